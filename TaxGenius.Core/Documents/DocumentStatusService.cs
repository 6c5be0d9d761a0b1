using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Documents;

public sealed record StatusChangeResult(bool Succeeded, string? Error, DocumentStatus? Status)
{
    public static StatusChangeResult Fail(string error, DocumentStatus? current = null) => new(false, error, current);
}

/// <summary>
/// Changes a document's status under the workflow's rules, then tells the client: a live update to their open
/// pages and an e-mail (the rejection e-mail carries the reason).
/// </summary>
public sealed class DocumentStatusService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IDocumentEvents events,
    EmailQueue emails,
    PublicUrls urls,
    TimeProvider timeProvider)
{
    public const int MaxReasonLength = 500;

    public async Task<StatusChangeResult> ChangeStatusAsync(Guid documentId, DocumentStatus to, string? reason, bool actorIsAdmin,
        CancellationToken cancellationToken = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (to == DocumentStatus.Rejected && reason is null)
        {
            return StatusChangeResult.Fail("Give the client a reason for the rejection.");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return StatusChangeResult.Fail($"Keep the reason under {MaxReasonLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.Include(d => d.User).ThenInclude(u => u!.Profile)
            .SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return StatusChangeResult.Fail("That document does not exist.");
        }

        if (!DocumentStateMachine.CanMove(document.Status, to, actorIsAdmin))
        {
            return StatusChangeResult.Fail(DocumentStateMachine.Describe(document.Status, to, actorIsAdmin), document.Status);
        }

        document.Status = to;
        document.RejectionReason = to == DocumentStatus.Rejected ? reason : null;
        await db.SaveChangesAsync(cancellationToken);

        await events.PublishAsync(new DocumentStatusChanged(document.Id, document.UserId, to, document.RejectionReason,
            timeProvider.GetUtcNow().UtcDateTime), cancellationToken);

        if (document.User?.Email is { } email)
        {
            var firstName = document.User.Profile?.FirstName ?? "there";
            EmailTemplate template = to == DocumentStatus.Rejected
                ? new DocumentRejectedEmail(firstName, document.Type.DisplayName(), document.FileName, document.TaxYear, reason!, urls.Absolute("/client"))
                : new DocumentStatusChangedEmail(firstName, document.Type.DisplayName(), document.FileName, document.TaxYear,
                    DocumentStateMachine.Name(to), urls.Absolute("/client"));
            await emails.QueueAsync(email, template, cancellationToken);
        }

        return new StatusChangeResult(true, null, to);
    }
}
