using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Email;

/// <summary>A message that has not gone out: waiting for its next attempt, or given up.</summary>
public sealed record UndeliveredEmail(
    Guid Id, string To, string Subject, string Template, bool GivenUp, bool CanResend, int Attempts, string? LastError,
    DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? RetryUntil, DateTime UpdatedAt);

public sealed record UndeliveredReport(int Waiting, int GivenUp, IReadOnlyList<UndeliveredEmail> Messages);

public enum ResendOutcome
{
    Queued,

    /// <summary>Not given up (it was sent, or is already waiting for its next attempt): nothing to do.</summary>
    NotGivenUp,

    /// <summary>Its body was erased (it was sent): a resend would send nothing.</summary>
    NothingToSend,
}

/// <summary>
/// What an admin sees and does about e-mail that did not go out (/admin/outbox): the waiting and the given-up messages with
/// the server's last answer, and a resend that queues a given-up message again under its own id, so the claim that keeps a
/// message from going out twice still holds. Every resend is audited.
/// </summary>
public sealed class UndeliveredEmails(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    AuditLog audit,
    EmailDispatchSignal signal,
    IOptions<EmailOptions> options,
    TimeProvider timeProvider,
    ILogger<UndeliveredEmails> logger)
{
    public const int MaxListed = 200;

    public async Task<UndeliveredReport> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var undelivered = db.QueuedEmails.AsNoTracking()
            .Where(e => e.Status == QueuedEmailStatus.Failed || (e.Status != QueuedEmailStatus.Sent && e.LastError != null));
        var givenUp = await undelivered.CountAsync(e => e.Status == QueuedEmailStatus.Failed, cancellationToken);
        var waiting = await undelivered.CountAsync(e => e.Status != QueuedEmailStatus.Failed, cancellationToken);
        var rows = await undelivered
            .OrderByDescending(e => e.Status == QueuedEmailStatus.Failed).ThenByDescending(e => e.CreatedAt).ThenBy(e => e.Id)
            .Take(MaxListed)
            .Select(e => new UndeliveredEmail(e.Id, e.To, e.Subject, e.Template, e.Status == QueuedEmailStatus.Failed,
                e.Status == QueuedEmailStatus.Failed && (e.HtmlBody != null || e.TextBody != null),
                e.Attempts, e.LastError, e.CreatedAt, e.NextAttemptAt, e.RetryUntil, e.UpdatedAt))
            .ToListAsync(cancellationToken);
        return new UndeliveredReport(waiting, givenUp, rows);
    }

    /// <summary>
    /// Queues a given-up message again with a fresh retry window. Only a message still given up is changed (a second click,
    /// another admin or a message already sent changes nothing), in one transaction with its audit row.
    /// </summary>
    public async Task<ResendOutcome> ResendAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var until = now + options.Value.Delivery.GiveUpAfter;
        var outcome = await db.InTransactionAsync(async (transaction, ct) =>
        {
            var email = await db.QueuedEmails.AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { e.Status, e.Template, e.Attempts, e.HighPriority, HasBody = e.HtmlBody != null || e.TextBody != null })
                .SingleOrDefaultAsync(ct);
            if (email is null || email.Status != QueuedEmailStatus.Failed)
            {
                return (ResendOutcome.NotGivenUp, false);
            }

            if (!email.HasBody)
            {
                return (ResendOutcome.NothingToSend, false);
            }

            var changed = await db.QueuedEmails.Where(e => e.Id == id && e.Status == QueuedEmailStatus.Failed).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, QueuedEmailStatus.Queued)
                .SetProperty(e => e.Attempts, 0)
                .SetProperty(e => e.NextAttemptAt, (DateTime?)null)
                .SetProperty(e => e.RetryUntil, until)
                .SetProperty(e => e.UpdatedAt, now), ct);
            if (changed == 0)
            {
                return (ResendOutcome.NotGivenUp, false);
            }

            audit.Add(db, actor, AuditActions.EmailResent, "email", id, null,
                $"{email.Template}: queued again after {Plural.Of(email.Attempts, "attempt")}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (ResendOutcome.Queued, email.HighPriority);
        }, cancellationToken);

        if (outcome.Item1 == ResendOutcome.Queued)
        {
            EmailLog.Resent(logger, id);
            signal.Raise(outcome.Item2);
        }

        return outcome.Item1;
    }

    /// <summary>Queues every given-up message again. Returns how many were queued.</summary>
    public async Task<int> ResendAllAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.QueuedEmails.Where(e => e.Status == QueuedEmailStatus.Failed).OrderBy(e => e.CreatedAt).Select(e => e.Id)
                .ToListAsync(cancellationToken);
        }

        var queued = 0;
        foreach (var id in ids)
        {
            if (await ResendAsync(actor, id, cancellationToken) == ResendOutcome.Queued)
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>Moves a waiting message's next attempt to now (the relay is known to be back). Returns false when it is not waiting.</summary>
    public async Task<bool> TryNowAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var highPriority = await db.QueuedEmails.Where(e => e.Id == id && e.Status == QueuedEmailStatus.Queued).Select(e => (bool?)e.HighPriority)
            .SingleOrDefaultAsync(cancellationToken);
        if (highPriority is null)
        {
            return false;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var changed = await db.QueuedEmails.Where(e => e.Id == id && e.Status == QueuedEmailStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, (DateTime?)null).SetProperty(e => e.UpdatedAt, now), cancellationToken);
        if (changed > 0)
        {
            signal.Raise(highPriority.Value);
        }

        return changed > 0;
    }
}
