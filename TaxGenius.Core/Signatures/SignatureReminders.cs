using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Signatures;

/// <summary>
/// The hourly job beside the engagement reminders: a request still unsigned 2 and 5 days after it was sent reminds the signers who
/// have not signed; a request past its date closes as Expired and tells the signers and the preparer. Each step is claimed with a
/// conditional update in the transaction of its e-mails, so two instances or a retried job never send one twice. A request whose
/// signers have all signed but whose signed copy could not be made at the time (the store or the database failed) is completed here.
/// </summary>
public sealed class SignatureReminders(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    SignatureCompletion completion,
    TimeProvider timeProvider,
    ILogger<SignatureReminders> logger)
{
    public static readonly IReadOnlyList<int> ReminderDays = [2, 5];
    private static readonly AuditActor System = new(Guid.Empty, "system", null);

    public async Task<(int Reminded, int Expired)> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        List<(Guid Id, int Sent, DateTime SentAt, DateTime? ExpiresAt)> open;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            open = (await db.SignatureRequests.AsNoTracking().Where(r => r.Status == SignatureRequestStatus.Pending && r.SentAt != null)
                .Select(r => new { r.Id, r.RemindersSent, SentAt = r.SentAt!.Value, r.ExpiresAt }).ToListAsync(cancellationToken))
                .Select(r => (r.Id, r.RemindersSent, r.SentAt, r.ExpiresAt)).ToList();
        }

        int reminded = 0, expired = 0;
        foreach (var (id, sent, sentAt, expiresAt) in open)
        {
            if (await completion.CompleteIfDoneAsync(id, cancellationToken))
            {
                continue;
            }

            if (expiresAt <= now)
            {
                expired += await ExpireAsync(id, cancellationToken) ? 1 : 0;
            }
            else if (sent < ReminderDays.Count && now >= sentAt.AddDays(ReminderDays[sent]))
            {
                reminded += await RemindAsync(id, sent, cancellationToken) ? 1 : 0;
            }
        }

        if (reminded + expired > 0)
        {
            SignaturesLog.RemindersRun(logger, reminded, expired);
        }

        return (reminded, expired);
    }

    private async Task<bool> RemindAsync(Guid id, int sent, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var claimed = await db.SignatureRequests.Where(r => r.Id == id && r.Status == SignatureRequestStatus.Pending && r.RemindersSent == sent)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.RemindersSent, sent + 1).SetProperty(r => r.LastRemindedAt, now), ct);
            if (claimed == 0)
            {
                return false;
            }

            var request = await db.SignatureRequests.Include(r => r.Signers).SingleAsync(r => r.Id == id, ct);
            foreach (var signer in request.Signers.Where(s => s.Status == SignerStatus.Waiting))
            {
                // A spouse's reminder carries a new link, which replaces the earlier one (the secret is stored hashed only).
                await emails.AddAsync(db, signer.Email, new SignatureRequestEmail(SignatureService.FirstName(signer.Name), request.Title, null, sent + 1,
                    request.ExpiresAt, SignatureService.NewLink(signer, urls)), ct);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    private async Task<bool> ExpireAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            var claimed = await db.SignatureRequests.Where(r => r.Id == id && r.Status == SignatureRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, SignatureRequestStatus.Expired), ct);
            if (claimed == 0)
            {
                return false;
            }

            var request = await db.SignatureRequests.Include(r => r.Signers).Include(r => r.Engagement).SingleAsync(r => r.Id == id, ct);
            request.UpdatedAt = timeProvider.GetUtcNow().UtcDateTime;
            foreach (var signer in request.Signers.Where(s => s.Status == SignerStatus.Waiting))
            {
                await emails.AddAsync(db, signer.Email, new SignatureNoticeEmail(SignatureService.FirstName(signer.Name), request.Title, SignatureNotice.Expired,
                    urls.Absolute(signer.UserId is null ? "/" : "/client"), ForStaff: false), ct);
            }

            if (await SignatureCompletion.StaffAddressAsync(db, request, ct) is { } staff)
            {
                await emails.AddAsync(db, staff.Email, new SignatureNoticeEmail(staff.FirstName, request.Title, SignatureNotice.Expired,
                    urls.Absolute($"/preparer/signatures/{request.Id}"), ForStaff: true), ct);
            }

            audit.Add(db, System, AuditActions.SignatureRequestExpired, "SignatureRequest", request.Id, request.ClientId, request.Title);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }
}
