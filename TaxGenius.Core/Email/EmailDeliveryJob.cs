using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Email;

/// <summary>
/// Delivers one stored e-mail. Idempotent: the job first claims the row (one atomic UPDATE that only a Queued, Failed
/// or abandoned row passes), sends, then marks it Sent; a retry or a duplicate job of a sent message does nothing.
/// The one window left is a process dying between the server's acceptance and the Sent mark; its claim then expires
/// after <see cref="ClaimDuration"/> and the message may go out a second time, which is what every SMTP client risks.
/// </summary>
public sealed partial class EmailDeliveryJob(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailService emailService,
    IBackgroundJobClient jobs,
    TimeProvider timeProvider,
    ILogger<EmailDeliveryJob> logger)
{
    /// <summary>Attempts in all, as the seed's queue (Bull attempts: 3, exponential backoff from 2 s).</summary>
    public const int MaxAttempts = 3;

    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    /// <summary>Messages stored but not picked up for this long are enqueued again by the sweeper.</summary>
    public static readonly TimeSpan StrandedAfter = TimeSpan.FromMinutes(2);

    [AutomaticRetry(Attempts = MaxAttempts - 1, DelaysInSeconds = [2, 4], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task DeliverAsync(Guid emailId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var claimed = await db.QueuedEmails
            .Where(e => e.Id == emailId && (e.Status == QueuedEmailStatus.Queued || e.Status == QueuedEmailStatus.Failed
                || (e.Status == QueuedEmailStatus.Sending && e.ClaimedUntil < now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, QueuedEmailStatus.Sending)
                .SetProperty(e => e.ClaimedUntil, now + ClaimDuration)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                .SetProperty(e => e.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
        {
            LogSkipped(logger, emailId);
            return;
        }

        var email = await db.QueuedEmails.AsNoTracking().SingleAsync(e => e.Id == emailId, cancellationToken);
        try
        {
            await emailService.SendAsync(
                new EmailMessage(email.To, email.Subject, email.HtmlBody ?? "", email.TextBody ?? "") { Id = email.Id }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var final = email.Attempts >= MaxAttempts;
            var error = $"{ex.GetType().Name}: {ex.Message}";
            await db.QueuedEmails.Where(e => e.Id == emailId).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, final ? QueuedEmailStatus.Failed : QueuedEmailStatus.Queued)
                .SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.LastError, error.Length > 500 ? error[..500] : error)
                .SetProperty(e => e.UpdatedAt, timeProvider.GetUtcNow().UtcDateTime), CancellationToken.None);
            LogFailed(logger, emailId, email.Attempts, MaxAttempts, ex.GetType().Name);
            throw;
        }

        await db.QueuedEmails.Where(e => e.Id == emailId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, QueuedEmailStatus.Sent)
            .SetProperty(e => e.SentAt, timeProvider.GetUtcNow().UtcDateTime)
            .SetProperty(e => e.UpdatedAt, timeProvider.GetUtcNow().UtcDateTime)
            .SetProperty(e => e.ClaimedUntil, (DateTime?)null)
            .SetProperty(e => e.HtmlBody, (string?)null)
            .SetProperty(e => e.TextBody, (string?)null)
            .SetProperty(e => e.LastError, (string?)null), CancellationToken.None);
        LogSent(logger, emailId, email.Template, email.Attempts);
    }

    /// <summary>Recurring: enqueues messages that were stored but never picked up (the enqueue after the insert failed).</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task RequeueStrandedAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow().UtcDateTime - StrandedAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stranded = await db.QueuedEmails.AsNoTracking()
            .Where(e => e.Status == QueuedEmailStatus.Queued && e.Attempts == 0 && e.UpdatedAt < cutoff)
            .OrderBy(e => e.CreatedAt).Take(500)
            .Select(e => new { e.Id, e.HighPriority })
            .ToListAsync(cancellationToken);
        foreach (var e in stranded)
        {
            EmailQueue.Enqueue(jobs, e.Id, e.HighPriority);
        }

        if (stranded.Count > 0)
        {
            LogRequeued(logger, stranded.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "E-mail {EmailId} already sent or being sent elsewhere: nothing to do")]
    private static partial void LogSkipped(ILogger logger, Guid emailId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {EmailId} attempt {Attempt} of {MaxAttempts} failed ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, Guid emailId, int attempt, int maxAttempts, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail {EmailId} ({Template}) sent after {Attempts} attempt(s)")]
    private static partial void LogSent(ILogger logger, Guid emailId, string template, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} stranded e-mails enqueued again")]
    private static partial void LogRequeued(ILogger logger, int count);
}
