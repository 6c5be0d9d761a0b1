using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Documents;

/// <summary>
/// The outcome of a workflow action. On failure <see cref="Error"/> says why in words for the person who tried; when someone
/// else changed the document first, <see cref="Conflict"/> is set and <see cref="Status"/>, <see cref="AssignedToEmail"/> and
/// <see cref="Version"/> describe the fresh row.
/// </summary>
public sealed record StatusChangeResult(bool Succeeded, string? Error, DocumentStatus? Status, bool Conflict = false, uint? Version = null,
    string? AssignedToEmail = null)
{
    public static StatusChangeResult Fail(string error, DocumentStatus? current = null) => new(false, error, current);
}

/// <summary>How a bulk action went: how many succeeded and, for the others, why not.</summary>
public sealed record BulkResult(int Succeeded, IReadOnlyList<(Guid DocumentId, string Error)> Failures);

/// <summary>
/// The review workflow: claim, change status, reassign, reopen. Every rule is enforced here (the state machine, a reason for
/// a rejection, only the assignee or an admin finishes a document) and every change is guarded by optimistic concurrency:
/// when two people act on the same document at once, exactly one save wins and the other gets a clear message and the
/// fresh row. Each change records its history and an audit entry in the same transaction, then tells the client: a live
/// update to their open pages and an e-mail (the rejection e-mail carries the reason).
/// </summary>
public sealed class DocumentStatusService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    Live.LiveChannel live,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    Referrals.ReferralConversions referrals,
    TimeProvider timeProvider)
{
    public const int MaxReasonLength = 500;

    /// <summary>Compatibility entry point for work done by the system (no person): used by jobs and tests.</summary>
    public Task<StatusChangeResult> ChangeStatusAsync(Guid documentId, DocumentStatus to, string? reason, bool actorIsAdmin,
        CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(new AuditActor(Guid.Empty, "system", null, actorIsAdmin), documentId, to, reason, null, cancellationToken);

    /// <summary>"Claim": assigns the document to <paramref name="actor"/> and moves it PENDING → PROCESSING.</summary>
    public Task<StatusChangeResult> ClaimAsync(AuditActor actor, Guid documentId, uint? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MutateAsync(actor, documentId, expectedVersion, (document, db) =>
        {
            if (document.Status != DocumentStatus.Pending)
            {
                return document.AssignedToId == actor.UserId
                    ? "You have already claimed this document."
                    : $"This document is already {DocumentStateMachine.Name(document.Status)}{AssigneeSuffix(document)}.";
            }

            var from = document.Status;
            Assign(document, actor.UserId);
            document.Status = DocumentStatus.Processing;
            Record(db, document, from, null, actor);
            audit.Add(db, actor, AuditActions.DocumentClaimed, nameof(Document), document.Id, document.UserId);
            return null;
        }, notify: true, cancellationToken);

    /// <summary>
    /// Moves a document to <paramref name="to"/>. Preparers finish only documents assigned to them; an admin may act on any and
    /// reopen a final one. <paramref name="expectedVersion"/>: the row version the person was looking at (stale → conflict).
    /// </summary>
    public Task<StatusChangeResult> ChangeStatusAsync(AuditActor actor, Guid documentId, DocumentStatus to, string? reason, uint? expectedVersion = null,
        CancellationToken cancellationToken = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (to == DocumentStatus.Rejected && reason is null)
        {
            return Task.FromResult(StatusChangeResult.Fail("Give the client a reason for the rejection: they will see it."));
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return Task.FromResult(StatusChangeResult.Fail($"Keep the reason under {MaxReasonLength} characters."));
        }

        return MutateAsync(actor, documentId, expectedVersion, (document, db) =>
        {
            if (!DocumentStateMachine.CanMove(document.Status, to, actor.IsAdmin))
            {
                return DocumentStateMachine.Describe(document.Status, to, actor.IsAdmin);
            }

            var isPerson = actor.UserId != Guid.Empty;
            if (isPerson && !actor.IsAdmin && document.Status == DocumentStatus.Processing && document.AssignedToId is { } assignee && assignee != actor.UserId)
            {
                return $"This document is claimed by {document.AssignedTo?.Email ?? "another preparer"}; ask an admin to reassign it.";
            }

            var from = document.Status;
            if (isPerson && to == DocumentStatus.Processing && document.AssignedToId is null)
            {
                Assign(document, actor.UserId);
            }

            document.Status = to;
            document.RejectionReason = to == DocumentStatus.Rejected ? reason : null;
            Record(db, document, from, reason, actor);
            audit.Add(db, actor, AuditActions.DocumentStatusChanged, nameof(Document), document.Id, document.UserId,
                $"{DocumentStateMachine.Name(from)} → {DocumentStateMachine.Name(to)}{(reason is null ? "" : $": {reason}")}");
            return null;
        }, notify: true, cancellationToken);
    }

    /// <summary>An admin gives the document to another preparer (or to nobody).</summary>
    public Task<StatusChangeResult> ReassignAsync(AuditActor admin, Guid documentId, Guid? preparerId, CancellationToken cancellationToken = default)
    {
        if (!admin.IsAdmin)
        {
            return Task.FromResult(StatusChangeResult.Fail("Only an administrator can reassign a document."));
        }

        return MutateAsync(admin, documentId, null, (document, db) =>
        {
            if (document.AssignedToId == preparerId)
            {
                return "The document is already assigned that way.";
            }

            var previous = document.AssignedTo?.Email ?? "nobody";
            if (preparerId is { } id)
            {
                Assign(document, id);
            }
            else
            {
                document.AssignedToId = null;
                document.AssignedAt = null;
            }

            audit.Add(db, admin, AuditActions.DocumentReassigned, nameof(Document), document.Id, document.UserId,
                $"from {previous} to {preparerId?.ToString() ?? "nobody"}");
            return null;
        }, notify: false, cancellationToken);
    }

    public async Task<BulkResult> ClaimManyAsync(AuditActor actor, IEnumerable<Guid> documentIds, CancellationToken cancellationToken = default) =>
        await BulkAsync(documentIds, id => ClaimAsync(actor, id, null, cancellationToken));

    public async Task<BulkResult> CompleteManyAsync(AuditActor actor, IEnumerable<Guid> documentIds, CancellationToken cancellationToken = default) =>
        await BulkAsync(documentIds, id => ChangeStatusAsync(actor, id, DocumentStatus.Completed, null, null, cancellationToken));

    private static async Task<BulkResult> BulkAsync(IEnumerable<Guid> ids, Func<Guid, Task<StatusChangeResult>> action)
    {
        var succeeded = 0;
        var failures = new List<(Guid, string)>();
        foreach (var id in ids.Distinct())
        {
            var result = await action(id);
            if (result.Succeeded)
            {
                succeeded++;
            }
            else
            {
                failures.Add((id, result.Error ?? "Not changed."));
            }
        }

        return new BulkResult(succeeded, failures);
    }

    private async Task<StatusChangeResult> MutateAsync(AuditActor actor, Guid documentId, uint? expectedVersion,
        Func<Document, TaxGeniusDbContext, string?> change, bool notify, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.Include(d => d.User).ThenInclude(u => u!.Profile).Include(d => d.AssignedTo)
            .SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return StatusChangeResult.Fail("That document does not exist.");
        }

        if (expectedVersion is { } expected && expected != document.Version)
        {
            return Conflict(document);
        }

        var before = document.Status;
        if (change(document, db) is { } refusal)
        {
            return new StatusChangeResult(false, refusal, document.Status, Version: document.Version, AssignedToEmail: document.AssignedTo?.Email);
        }

        try
        {
            await referrals.OnStatusChangingAsync(db, document, before, cancellationToken);
            if (document.Status == DocumentStatus.Rejected && before != DocumentStatus.Rejected)
            {
                // The checklist item this document fulfilled is open again, with the reason, in the same save.
                await Engagements.DocumentRequestService.ReopenForRejectedDocumentAsync(db, document.Id, document.RejectionReason, cancellationToken);
            }
            if (notify && document.Status != before)
            {
                // The client's e-mail is committed with the change it tells about.
                await QueueClientEmailAsync(db, document, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Documents.AsNoTracking().Include(d => d.AssignedTo).SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
            return current is null ? StatusChangeResult.Fail("That document was deleted a moment ago.") : Conflict(current);
        }

        if (notify && document.Status != before)
        {
            await live.SendToUserAsync(document.UserId, Live.LiveEventNames.Document, new DocumentStatusChanged(document.Id, document.UserId,
                document.Status, document.RejectionReason, timeProvider.GetUtcNow().UtcDateTime), cancellationToken);
        }

        return new StatusChangeResult(true, null, document.Status, Version: document.Version, AssignedToEmail: document.AssignedTo?.Email);
    }

    private static StatusChangeResult Conflict(Document current) => new(false,
        $"Someone else changed this document a moment ago: it is now {DocumentStateMachine.Name(current.Status)}{AssigneeSuffix(current)}. " +
        "The page shows it as it is now; check it and try again if it still needs doing.",
        current.Status, Conflict: true, Version: current.Version, AssignedToEmail: current.AssignedTo?.Email);

    private static string AssigneeSuffix(Document document) => document.AssignedTo?.Email is { } email ? $", claimed by {email}" : "";

    private void Assign(Document document, Guid preparerId)
    {
        document.AssignedToId = preparerId;
        document.AssignedAt = timeProvider.GetUtcNow().UtcDateTime;
    }

    private void Record(TaxGeniusDbContext db, Document document, DocumentStatus from, string? reason, AuditActor actor) =>
        db.DocumentStatusChanges.Add(new DocumentStatusChange
        {
            DocumentId = document.Id,
            FromStatus = from,
            ToStatus = document.Status,
            Reason = reason,
            ActorId = actor.UserId == Guid.Empty ? null : actor.UserId,
            At = timeProvider.GetUtcNow().UtcDateTime,
        });

    private async Task QueueClientEmailAsync(TaxGeniusDbContext db, Document document, CancellationToken cancellationToken)
    {
        if (document.User?.Email is { } email)
        {
            var firstName = document.User.Profile?.FirstName ?? "there";
            EmailTemplate template = document.Status == DocumentStatus.Rejected
                ? new DocumentRejectedEmail(firstName, document.Type.DisplayName(), document.FileName, document.TaxYear, document.RejectionReason!, urls.Absolute("/client/documents"))
                : new DocumentStatusChangedEmail(firstName, document.Type.DisplayName(), document.FileName, document.TaxYear,
                    DocumentStateMachine.Name(document.Status), urls.Absolute("/client/documents"));
            await emails.AddAsync(db, email, template, cancellationToken);
        }
    }
}
