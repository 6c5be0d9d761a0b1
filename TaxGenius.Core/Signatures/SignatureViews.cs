namespace TaxGenius.Core.Signatures;

/// <summary>What a preparer fills in to start a request (the PDF comes as a stream beside it).</summary>
public sealed record SignatureDraftInput(
    SignatureDocumentKind Kind, string? Title, string? FileName, string? Message, int ExpiresInDays,
    string? KnowledgeQuestion, string? KnowledgeAnswer, string? SpouseName, string? SpouseEmail);

/// <summary>A field as the placement page sends it.</summary>
public sealed record SignatureFieldInput(Guid SignerId, SignatureFieldKind Kind, int Page, double X, double Y, double Width, double Height);

public sealed record SignatureResult(bool Succeeded, string? Error, Guid? Id = null)
{
    public static SignatureResult Fail(string error) => new(false, error);
    public static SignatureResult Ok(Guid? id = null) => new(true, null, id);
}

public sealed record SignerView(
    Guid Id, SignerRole Role, string Name, string Email, SignerStatus Status, DateTime? ConsentedAt, DateTime? ViewedAt,
    string? SecondFactorMethod, DateTime? SecondFactorAt, int KnowledgeAttempts, DateTime? KnowledgePassedAt, SignatureMethod? Method,
    DateTime? SignedAt, string? IpAddress)
{
    public static SignerView From(SignatureSigner s) => new(s.Id, s.Role, s.Name, s.Email, s.Status, s.ConsentedAt, s.ViewedAt,
        s.SecondFactorMethod, s.SecondFactorAt, s.KnowledgeAttempts, s.KnowledgePassedAt, s.Method, s.SignedAt, s.IpAddress);
}

public sealed record FieldView(Guid Id, Guid SignerId, SignatureFieldKind Kind, int Page, double X, double Y, double Width, double Height, DateTime? SignedAt)
{
    public static FieldView From(SignatureField f) => new(f.Id, f.SignerId, f.Kind, f.Page, f.X, f.Y, f.Width, f.Height, f.SignedAt);
}

/// <summary>One request as staff see it: on the engagement page, the placement page and the signatures list.</summary>
public sealed record SignatureRequestView(
    Guid Id, Guid EngagementId, Guid ClientId, string ClientName, int TaxYear, SignatureDocumentKind Kind, string Title, string? Message,
    SignatureRequestStatus Status, string OriginalFileName, int PageCount, string? KnowledgeQuestion, DateTime CreatedAt, DateTime? SentAt,
    DateTime? ExpiresAt, DateTime? CompletedAt, Guid? SignedDocumentId, bool WetSigned, string? VoidReason, string? CreatedByEmail,
    IReadOnlyList<SignerView> Signers, IReadOnlyList<FieldView> Fields, string? CreatedByName = null)
{
    /// <summary>Who created it, as colleagues know them: their name, or their address when they have no profile.</summary>
    public string? CreatedBy => CreatedByName ?? CreatedByEmail;
}

/// <summary>A row of the signatures list.</summary>
public sealed record SignatureListRow(
    Guid Id, Guid EngagementId, string ClientName, int TaxYear, string Title, SignatureDocumentKind Kind, SignatureRequestStatus Status,
    DateTime CreatedAt, DateTime? ExpiresAt, IReadOnlyList<(SignerRole Role, string Name, SignerStatus Status)> Signers);

/// <summary>The list's filters: the statuses people look for (pending, signed, expired, failed verification, voided, drafts).</summary>
public enum SignatureListFilter
{
    All,
    Pending,
    Signed,
    Expired,
    FailedVerification,
    Voided,
    Draft,
}

/// <summary>What a board card shows of an engagement's open request: who signed so far.</summary>
public sealed record SignatureProgress(Guid EngagementId, IReadOnlyList<(SignerRole Role, bool Signed)> Signers);

/// <summary>The result of re-checking a completed request's files against the hashes recorded when it was signed.</summary>
public sealed record SignatureCheck(bool OriginalMatches, bool SignedMatches, string Summary)
{
    public bool Passed => OriginalMatches && SignedMatches;
}

public static class SignatureNames
{
    public static string Kind(SignatureDocumentKind kind) => kind switch
    {
        SignatureDocumentKind.Form8879 => "Form 8879 (e-file signature authorization)",
        SignatureDocumentKind.EngagementLetter => "Engagement letter",
        SignatureDocumentKind.Consent => "Consent form",
        _ => "Other document",
    };

    public static string Status(SignatureRequestStatus status) => status switch
    {
        SignatureRequestStatus.Draft => "Draft",
        SignatureRequestStatus.Pending => "Waiting for signatures",
        SignatureRequestStatus.Completed => "Signed",
        SignatureRequestStatus.NeedsWetSignature => "Failed verification: wet signature needed",
        SignatureRequestStatus.Voided => "Voided",
        SignatureRequestStatus.Expired => "Expired",
        _ => status.ToString(),
    };

    public static string Role(SignerRole role) => role == SignerRole.Taxpayer ? "Taxpayer" : "Spouse";

    /// <summary>A field's short label on the page: "Sign" or "Date" (after the signer's role).</summary>
    public static string Field(SignatureFieldKind kind) => kind == SignatureFieldKind.Signature ? "Sign" : "Date";

    public static string Method(SignatureMethod method) => method == SignatureMethod.Typed ? "Typed name, rendered as a signature image" : "Drawn by hand on the screen";
}
