namespace TaxGenius.Core.Compliance.Retention;

public enum DisposalReason
{
    /// <summary>The firm's retention period after the client's last activity has passed.</summary>
    RetentionExpired,

    /// <summary>The client asked for their account to be closed.</summary>
    ClientRequest,
}

public enum DisposalStatus
{
    /// <summary>Waiting for an administrator's review.</summary>
    Proposed,

    /// <summary>Approved; being carried out (resumed after a crash).</summary>
    Approved,

    /// <summary>Done: the row is the anonymous tombstone and the certificate's record.</summary>
    Disposed,

    /// <summary>An administrator decided to keep the data (with a reason).</summary>
    Cancelled,
}

/// <summary>
/// One client's data proposed for disposal, and, once disposed, the anonymous tombstone: counts and dates only, no name, no e-mail,
/// nothing of the person (the client's id is a random number that named them only while the account existed). The disposal
/// certificate (PDF, CSV) is made from this row; its summary and SHA-256 are in the audit log.
/// </summary>
public class Disposal
{
    public const int MaxNoteLength = 300;

    public Guid Id { get; set; }

    /// <summary>No foreign key: the account is gone after disposal, the tombstone stays.</summary>
    public Guid ClientId { get; set; }

    public DisposalReason Reason { get; set; }
    public DisposalStatus Status { get; set; }

    public DateTime ProposedAt { get; set; }

    /// <summary>The last activity the retention period was counted from (the client's request date for a closure).</summary>
    public DateTime LastActivityAt { get; set; }

    public Guid? DecidedById { get; set; }
    public string? DecidedByEmail { get; set; }
    public DateTime? DecidedAt { get; set; }

    /// <summary>Why an administrator kept the data (cancelled only).</summary>
    public string? Note { get; set; }

    public DateTime? DisposedAt { get; set; }

    public int Documents { get; set; }
    public long DocumentBytes { get; set; }
    public int Engagements { get; set; }
    public int Messages { get; set; }
    public int SignatureRequests { get; set; }
    public int Consents { get; set; }
    public bool HadSsn { get; set; }
    public bool HadProfile { get; set; }

    /// <summary>Referral records kept for the firm's books with the person's address replaced.</summary>
    public int ReferralsAnonymized { get; set; }

    /// <summary>SHA-256 of the certificate's CSV, hex (also in the audit entry): anyone holding a copy can check it.</summary>
    public string? CertificateSha256 { get; set; }
}

/// <summary>A legal hold: while it is active, nothing of the client is ever disposed of, whatever the retention period or request.</summary>
public class LegalHold
{
    public const int MaxReasonLength = 300;

    public Guid Id { get; set; }
    public Guid ClientId { get; set; }
    public required string Reason { get; set; }
    public Guid SetById { get; set; }
    public string? SetByEmail { get; set; }
    public DateTime SetAt { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public Guid? ReleasedById { get; set; }
    public string? ReleasedByEmail { get; set; }
}
