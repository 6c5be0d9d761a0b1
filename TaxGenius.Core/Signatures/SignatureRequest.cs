using TaxGenius.Core.Common;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Signatures;

/// <summary>What is being signed: decides the default field positions and whether the knowledge check is required (Form 8879).</summary>
public enum SignatureDocumentKind
{
    Form8879,
    EngagementLetter,
    Consent,
    Other,
}

/// <summary>
/// Draft while the preparer places fields; Pending once sent; Completed when the last signer finished (or a wet-signed copy was
/// filed); NeedsWetSignature after a signer failed the knowledge check three times; Voided by staff; Expired past its date.
/// </summary>
public enum SignatureRequestStatus
{
    Draft,
    Pending,
    Completed,
    NeedsWetSignature,
    Voided,
    Expired,
}

public enum SignerRole
{
    Taxpayer,
    Spouse,
}

public enum SignerStatus
{
    Waiting,
    Signed,
    Locked,
}

/// <summary>How the signer made their mark: both are stored as a PNG image and stamped onto the PDF.</summary>
public enum SignatureMethod
{
    Typed,
    Drawn,
}

public enum SignatureFieldKind
{
    Signature,
    Date,
}

/// <summary>
/// One PDF to sign on an engagement (an 8879, an engagement letter, a consent form), its signers and their fields. The original is
/// kept unchanged in the encrypted store under <see cref="OriginalStorageKey"/>; the signed copy becomes a COMPLETED document of the
/// client (<see cref="SignedDocumentId"/>). Once completed nothing about it changes.
/// </summary>
public class SignatureRequest : IHasTimestamps
{
    public const int MaxTitleLength = 120;
    public const int MaxMessageLength = 1000;
    public const int MaxQuestionLength = 200;
    public const int MaxVoidReasonLength = 300;

    public Guid Id { get; set; }
    public Guid EngagementId { get; set; }
    public Engagement? Engagement { get; set; }

    /// <summary>The engagement's client (denormalized: every access check and list filters on it).</summary>
    public Guid ClientId { get; set; }

    public SignatureDocumentKind Kind { get; set; }
    public required string Title { get; set; }
    public string? Message { get; set; }
    public SignatureRequestStatus Status { get; set; } = SignatureRequestStatus.Draft;

    public required string OriginalFileName { get; set; }
    public required string OriginalStorageKey { get; set; }
    public required string OriginalSha256 { get; set; }
    public long OriginalSize { get; set; }
    public int PageCount { get; set; }

    /// <summary>The knowledge check: a question from the firm's records and the SHA-256 of its normalized answer (never the answer).</summary>
    public string? KnowledgeQuestion { get; set; }
    public string? KnowledgeAnswerHash { get; set; }

    public DateTime? SentAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    /// <summary>Reminders sent for the unsigned request (the schedule sends them 2 and 5 days after sending).</summary>
    public int RemindersSent { get; set; }
    public DateTime? LastRemindedAt { get; set; }

    public DateTime? CompletedAt { get; set; }
    public Guid? SignedDocumentId { get; set; }
    /// <summary>SHA-256 of the signed file as stored (stamped pages plus the certificate page).</summary>
    public string? SignedSha256 { get; set; }
    /// <summary>True when the completion is a wet-signed copy the firm filed, not the electronic signatures.</summary>
    public bool WetSigned { get; set; }

    public DateTime? VoidedAt { get; set; }
    public string? VoidReason { get; set; }
    public string? VoidedByEmail { get; set; }

    public Guid CreatedById { get; set; }
    public string? CreatedByEmail { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<SignatureSigner> Signers { get; set; } = [];
    public List<SignatureField> Fields { get; set; } = [];

    public bool IsOpen => Status == SignatureRequestStatus.Pending;
}

/// <summary>
/// One person who signs: the client (signs in with their account) or the spouse (a signer invitation by e-mail, no account). Holds the
/// evidence Publication 1345 asks for: consent, verification method and result, IP address, login id, signing method and times.
/// </summary>
public class SignatureSigner
{
    public const int MaxNameLength = 120;
    public const int MaxSignatureImageBytes = 200_000;
    public const int MaxKnowledgeAttempts = 3;
    public const int MaxCodeAttempts = 5;

    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public SignatureRequest? Request { get; set; }

    public SignerRole Role { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }

    /// <summary>The client's account (taxpayer); null for a spouse signing through an invitation.</summary>
    public Guid? UserId { get; set; }
    public ApplicationUser? User { get; set; }

    /// <summary>SHA-256 of the invitation link's secret (spouse); the link is the signer's only way in.</summary>
    public string? InvitationTokenHash { get; set; }

    public SignerStatus Status { get; set; } = SignerStatus.Waiting;

    public DateTime? ConsentedAt { get; set; }
    public DateTime? ViewedAt { get; set; }

    /// <summary>The one-time code sent by e-mail (hashed), when it stops working and how many wrong tries it took.</summary>
    public string? CodeHash { get; set; }
    public DateTime? CodeSentAt { get; set; }
    public DateTime? CodeExpiresAt { get; set; }
    public int CodeAttempts { get; set; }

    /// <summary>"authenticator app" or "one-time code by e-mail", once passed.</summary>
    public string? SecondFactorMethod { get; set; }
    public DateTime? SecondFactorAt { get; set; }

    /// <summary>The knowledge check: wrong answers so far (locked at three), when it passed, which verifier passed it.</summary>
    public int KnowledgeAttempts { get; set; }
    public DateTime? KnowledgePassedAt { get; set; }
    public string? KnowledgeMethod { get; set; }

    public SignatureMethod? Method { get; set; }
    public byte[]? SignatureImage { get; set; }
    public DateTime? AdoptedAt { get; set; }

    public DateTime? SignedAt { get; set; }
    public string? LoginId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    public bool IsVerified(bool knowledgeRequired) => SecondFactorAt is not null && (!knowledgeRequired || KnowledgePassedAt is not null);
}

/// <summary>
/// Where one signer signs or dates: a page (1-based) and a box in fractions of the page's width and height from its top-left corner,
/// so the same numbers place it on a rendered page of any size and on the PDF page in points.
/// </summary>
public class SignatureField
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public Guid SignerId { get; set; }
    public SignatureFieldKind Kind { get; set; }
    public int Page { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    public DateTime? SignedAt { get; set; }
}
