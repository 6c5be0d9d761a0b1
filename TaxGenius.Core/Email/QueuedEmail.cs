using TaxGenius.Core.Common;

namespace TaxGenius.Core.Email;

public enum QueuedEmailStatus
{
    Queued,
    Sending,
    Sent,

    /// <summary>Given up: the retry window ran out, or the server refused the message for good. An admin may resend it.</summary>
    Failed,
}

/// <summary>
/// One e-mail waiting for, or past, delivery. Its id is the message's id (Message-ID header): a delivery job
/// claims the row before sending and marks it sent after, so a retry or a second job never sends it again.
/// The bodies (which may hold one-time links) are erased once the message is sent.
/// </summary>
public class QueuedEmail : IHasTimestamps
{
    public Guid Id { get; set; }

    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string Template { get; set; }
    public bool HighPriority { get; set; }

    public string? HtmlBody { get; set; }
    public string? TextBody { get; set; }

    public QueuedEmailStatus Status { get; set; } = QueuedEmailStatus.Queued;
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>While a job sends, it holds the row until this time; a crashed job's claim runs out.</summary>
    public DateTime? ClaimedUntil { get; set; }

    /// <summary>The dispatch run that holds the row (set by the claim, read back to know which rows it won).</summary>
    public Guid? ClaimToken { get; set; }

    /// <summary>After a failed attempt: not before this time (exponential backoff).</summary>
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>
    /// The end of the retry window: a message that still fails after this is given up. Set at the first failure
    /// (creation + <see cref="EmailOptions.Delivery"/>'s GiveUpAfter) and again when an admin resends it.
    /// </summary>
    public DateTime? RetryUntil { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
