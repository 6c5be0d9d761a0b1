namespace TaxGenius.Core.Email.Templates;

/// <summary>
/// A document waits for the signer: the invitation (<see cref="Reminder"/> 0) or a reminder (1, 2). The link leads to the signing page
/// (the client signs in first; a spouse's link is their invitation). Never the document itself.
/// </summary>
public sealed record SignatureRequestEmail(string FirstName, string Title, string? Note, int Reminder, DateTime? ExpiresAt, string SignUrl) : EmailTemplate
{
    public override string Subject => Reminder == 0 ? $"Please sign: {Title}" : $"Reminder: {Title} is waiting for your signature";
    public override Type ComponentType => typeof(SignatureRequestEmailView);
    public override string Name => Reminder == 0 ? "signature-request" : "signature-reminder";
}

/// <summary>The one-time code that proves the signer reads this mailbox. High priority: the signer is waiting for it.</summary>
public sealed record SigningCodeEmail(string FirstName, string Code, int ValidMinutes) : EmailTemplate
{
    public override string Subject => "Your signing code";
    public override Type ComponentType => typeof(SigningCodeEmailView);
    public override bool HighPriority => true;
    public override string Name => "signing-code";
}

public enum SignatureNotice
{
    Signed,
    Expired,
    Voided,
    NeedsWetSignature,
}

/// <summary>What became of a request: signed (client and preparer), expired or voided (signers), failed verification (preparer).</summary>
public sealed record SignatureNoticeEmail(string FirstName, string Title, SignatureNotice Notice, string LinkUrl, bool ForStaff) : EmailTemplate
{
    public override string Subject => Notice switch
    {
        SignatureNotice.Signed => $"Signed: {Title}",
        SignatureNotice.Expired => $"Expired: {Title}",
        SignatureNotice.Voided => $"Withdrawn: {Title}",
        _ => $"Verification failed: {Title} needs a wet signature",
    };

    public override Type ComponentType => typeof(SignatureNoticeEmailView);
    public override string Name => "signature-" + Notice.ToString().ToLowerInvariant();
}
