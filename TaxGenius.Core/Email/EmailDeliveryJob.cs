using System.Collections.Concurrent;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Email;

/// <summary>
/// Delivers stored e-mails. A dispatch claims a batch of due messages (one UPDATE whose WHERE repeats the "due" test,
/// so PostgreSQL re-checks it after any row-lock wait and a row is claimed by one dispatch only), sends them over pooled
/// SMTP connections, and marks them sent in one statement. A retry, a duplicate dispatch or a second instance never
/// sends a sent message again. A message that fails waits with growing back-off (2 s, 4 s, 8 s, … capped at
/// <c>Email:Delivery:MaxBackoff</c>) and is given up only when <c>Email:Delivery:GiveUpAfter</c> (24 h) has passed since it
/// was stored, or at once when the server refuses it for good (a 5xx answer to the recipient or the message); an admin
/// sees given-up messages at /admin/outbox and may resend them. The one window left is a process dying between the SMTP server's acceptance and the Sent mark: the claim runs out
/// after <see cref="ClaimDuration"/> and that message may go out twice, as with any SMTP client.
/// </summary>
public sealed class EmailDeliveryJob(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailService emailService,
    EmailTransportStatus transportStatus,
    IBackgroundJobClient jobs,
    IOptions<EmailOptions> options,
    TimeProvider timeProvider,
    ILogger<EmailDeliveryJob> logger)
{
    public const int BatchSize = 200;
    public const int ParallelSends = 8;

    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    /// <summary>How long one dispatch keeps taking batches before it leaves the rest to the next one.</summary>
    public static readonly TimeSpan DispatchBudget = TimeSpan.FromMinutes(2);

    /// <summary>The wait after the <paramref name="attempts"/>th failure: 2^attempts seconds, never more than <paramref name="max"/>.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan max) =>
        attempts >= 30 ? max : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Max(1, attempts)), max.TotalSeconds));

    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [2, 4, 8])]
    public async Task DispatchAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow();
        while (timeProvider.GetUtcNow() - started < DispatchBudget)
        {
            if (await DispatchBatchAsync(cancellationToken) == 0)
            {
                break;
            }
        }

        // Whatever waits for a retry gets a dispatch of its own. Hangfire keeps schedule times in whole seconds,
        // so the dispatch is set a second after the earliest retry falls due, never before it.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var earliest = await db.QueuedEmails
            .Where(e => e.Status == QueuedEmailStatus.Queued && e.NextAttemptAt != null)
            .MinAsync(e => e.NextAttemptAt, cancellationToken);
        if (earliest is { } due)
        {
            var delay = due - timeProvider.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1);
            jobs.Schedule<EmailDeliveryJob>(job => job.DispatchAsync(CancellationToken.None), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        }
    }

    /// <summary>One batch: claim, send, record. Returns how many were claimed.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var candidates = db.QueuedEmails.Where(Due(now))
            .OrderByDescending(e => e.HighPriority).ThenBy(e => e.CreatedAt)
            .Take(BatchSize).Select(e => e.Id);
        var claimed = await db.QueuedEmails
            .Where(e => candidates.Contains(e.Id))
            .Where(Due(now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, QueuedEmailStatus.Sending)
                .SetProperty(e => e.ClaimToken, token)
                .SetProperty(e => e.ClaimedUntil, now + ClaimDuration)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                .SetProperty(e => e.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return 0;
        }

        var batch = await db.QueuedEmails.AsNoTracking()
            .Where(e => e.ClaimToken == token && e.Status == QueuedEmailStatus.Sending)
            .ToListAsync(cancellationToken);

        var sent = new ConcurrentBag<Guid>();
        var failed = new ConcurrentBag<(QueuedEmail Email, DeliveryFailure Failure)>();
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = cancellationToken },
            async (email, ct) =>
            {
                try
                {
                    await emailService.SendAsync(new EmailMessage(email.To, email.Subject, email.HtmlBody ?? "", email.TextBody ?? "") { Id = email.Id }, ct);
                    sent.Add(email.Id);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed.Add((email, DeliveryFailure.From(ex)));
                }
            });

        var done = timeProvider.GetUtcNow().UtcDateTime;
        var sentIds = sent.ToList();
        if (sentIds.Count > 0)
        {
            await db.QueuedEmails.Where(e => sentIds.Contains(e.Id) && e.ClaimToken == token).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, QueuedEmailStatus.Sent)
                .SetProperty(e => e.SentAt, done)
                .SetProperty(e => e.UpdatedAt, done)
                .SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.NextAttemptAt, (DateTime?)null)
                .SetProperty(e => e.HtmlBody, (string?)null)
                .SetProperty(e => e.TextBody, (string?)null)
                .SetProperty(e => e.LastError, (string?)null), CancellationToken.None);
        }

        var delivery = options.Value.Delivery;
        foreach (var (email, failure) in failed)
        {
            var retryUntil = email.RetryUntil ?? email.CreatedAt + delivery.GiveUpAfter;
            var next = done + Backoff(email.Attempts, delivery.MaxBackoff);
            var givenUp = failure.Permanent || next > retryUntil;
            var message = failure.Reason.Length > 500 ? failure.Reason[..500] : failure.Reason;
            await db.QueuedEmails.Where(e => e.Id == email.Id && e.ClaimToken == token).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, givenUp ? QueuedEmailStatus.Failed : QueuedEmailStatus.Queued)
                .SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.NextAttemptAt, givenUp ? null : next)
                .SetProperty(e => e.RetryUntil, retryUntil)
                .SetProperty(e => e.LastError, message)
                .SetProperty(e => e.UpdatedAt, done), CancellationToken.None);
            if (givenUp)
            {
                EmailLog.GivenUp(logger, email.Id, email.Attempts, failure.Kind);
            }
            else
            {
                EmailLog.AttemptFailed(logger, email.Id, email.Attempts, next, failure.Kind);
            }
        }

        if (sentIds.Count > 0)
        {
            transportStatus.Succeeded(done);
        }
        else if (failed.FirstOrDefault(f => !f.Failure.Permanent).Failure is { } transient)
        {
            // Only a failure the relay may get over says the transport is failing (a refused recipient does not).
            transportStatus.Failed(done, transient.Reason);
        }

        EmailLog.Batch(logger, claimed, sentIds.Count, failed.Count);
        return claimed;
    }

    /// <summary>Waiting and due (first attempt, or its backoff is over), or held by a dispatch whose claim ran out.</summary>
    private static System.Linq.Expressions.Expression<Func<QueuedEmail, bool>> Due(DateTime now) => e =>
        (e.Status == QueuedEmailStatus.Queued && (e.NextAttemptAt == null || e.NextAttemptAt <= now))
        || (e.Status == QueuedEmailStatus.Sending && e.ClaimedUntil < now);
}

/// <summary>Why one send failed, and whether trying again can help.</summary>
internal sealed record DeliveryFailure(string Kind, string Reason, bool Permanent)
{
    public static DeliveryFailure From(Exception ex) => ex switch
    {
        // 5xx to the recipient, the sender or the message: the server will answer the same tomorrow.
        MailKit.Net.Smtp.SmtpCommandException { StatusCode: var code } smtp when (int)code >= 500 && smtp.ErrorCode != MailKit.Net.Smtp.SmtpErrorCode.UnexpectedStatusCode =>
            new(ex.GetType().Name, $"Refused by the mail server ({(int)code}): {smtp.Message}", true),
        MimeKit.ParseException or FormatException => new(ex.GetType().Name, $"The address cannot be used: {ex.Message}", true),
        _ => new(ex.GetType().Name, $"{ex.GetType().Name}: {ex.Message}", false),
    };
}
