using System.Globalization;

namespace TaxGenius.Core.Email.Templates;

/// <summary>
/// One kind of e-mail: its subject and the Razor component that renders it. The component named by
/// <see cref="ComponentType"/> takes one parameter, <c>Model</c>, of the concrete record type.
/// Render with <see cref="EmailRenderer"/>.
/// </summary>
public abstract record EmailTemplate
{
    public abstract string Subject { get; }

    public abstract Type ComponentType { get; }

    /// <summary>Password resets and the like: delivered ahead of everything else.</summary>
    public virtual bool HighPriority => false;

    /// <summary>A short kebab-case id, e.g. <c>welcome</c>, stored with the queued message.</summary>
    public abstract string Name { get; }

    /// <summary>Names the template only: the records hold one-time links and personal data that must not end up in logs.</summary>
    public sealed override string ToString() => $"{GetType().Name} ({Name})";
}

/// <summary>Sent once the e-mail address is confirmed.</summary>
public sealed record WelcomeEmail(string FirstName, string SignInUrl) : EmailTemplate
{
    public override string Subject => "Welcome to TaxGenius";
    public override Type ComponentType => typeof(WelcomeEmailView);
    public override string Name => "welcome";
}

/// <summary>Asks a new account holder to confirm their address. <see cref="FirstName"/> is null when not known yet.</summary>
public sealed record ConfirmEmailEmail(string? FirstName, string ConfirmUrl) : EmailTemplate
{
    public override string Subject => "Confirm your TaxGenius e-mail address";
    public override Type ComponentType => typeof(ConfirmEmailEmailView);
    public override string Name => "confirm-email";
}

public sealed record PasswordResetEmail(string ResetUrl) : EmailTemplate
{
    public override string Subject => "Reset your TaxGenius password";
    public override Type ComponentType => typeof(PasswordResetEmailView);
    public override bool HighPriority => true;
    public override string Name => "password-reset";
}

/// <summary>
/// An administrator invited a member of staff. <see cref="RoleName"/> is the role in words ("Preparer");
/// the link is one-time and expires at <see cref="ExpiresAt"/> (UTC).
/// </summary>
public sealed record StaffInvitationEmail(string RoleName, string AcceptUrl, DateTime ExpiresAt) : EmailTemplate
{
    public override string Subject => $"You are invited to join TaxGenius as {RoleName}";
    public override Type ComponentType => typeof(StaffInvitationEmailView);
    public override string Name => "staff-invitation";
}

/// <summary>An administrator reset the account's password: the old one no longer works, sessions are signed out.</summary>
public sealed record PasswordResetRequiredEmail(string ResetUrl) : EmailTemplate
{
    public override string Subject => "Choose a new TaxGenius password";
    public override Type ComponentType => typeof(PasswordResetRequiredEmailView);
    public override bool HighPriority => true;
    public override string Name => "password-reset-required";
}

/// <summary>A document moved on. <see cref="NewStatus"/> is PENDING, PROCESSING, COMPLETED or REJECTED.</summary>
public sealed record DocumentStatusChangedEmail(
    string FirstName, string DocumentType, string FileName, int TaxYear, string NewStatus, string DocumentsUrl) : EmailTemplate
{
    public override string Subject => $"Update on your {DocumentType} for {TaxYear}: {FriendlyStatus}";
    public override Type ComponentType => typeof(DocumentStatusChangedEmailView);
    public override string Name => "document-status-changed";

    /// <summary>The status in words a client understands.</summary>
    public string FriendlyStatus => NewStatus.Trim().ToUpperInvariant() switch
    {
        "PENDING" => "Received",
        "PROCESSING" => "In review",
        "COMPLETED" => "Done",
        "REJECTED" => "Needs attention",
        _ => "Updated",
    };

    /// <summary>What the status means for the client.</summary>
    public string StatusExplanation => NewStatus.Trim().ToUpperInvariant() switch
    {
        "PENDING" => "We have received it, and it is waiting for one of our preparers.",
        "PROCESSING" => "One of our preparers is now working on it.",
        "COMPLETED" => "Our preparer is done with it. You do not need to do anything else for this document.",
        "REJECTED" => "Our preparer could not use it. Please sign in to see why and upload a replacement.",
        _ => "Its status has changed. Sign in to see the details.",
    };
}

/// <summary>A preparer rejected a document; <see cref="Reason"/> is the preparer's own words.</summary>
public sealed record DocumentRejectedEmail(
    string FirstName, string DocumentType, string FileName, int TaxYear, string Reason, string DocumentsUrl) : EmailTemplate
{
    public override string Subject => $"Action needed: please upload your {DocumentType} for {TaxYear} again";
    public override Type ComponentType => typeof(DocumentRejectedEmailView);
    public override string Name => "document-rejected";
}

/// <summary>Someone shared their referral link with the recipient, who has no account yet.</summary>
public sealed record ReferralInvitationEmail(string ReferrerName, string RegisterUrl) : EmailTemplate
{
    public override string Subject => $"{ReferrerName} invited you to TaxGenius";
    public override Type ComponentType => typeof(ReferralInvitationEmailView);
    public override string Name => "referral-invitation";
}

/// <summary>
/// A referred person became a client. <see cref="ClientName"/> is null unless that client agreed to be named;
/// when null, the e-mail names no one.
/// </summary>
public sealed record ReferralConvertedEmail(string ReferrerFirstName, decimal Commission, string DashboardUrl, string? ClientName) : EmailTemplate
{
    public override string Subject => $"Your referral became a client: you earned {EmailFormat.Money(Commission)}";
    public override Type ComponentType => typeof(ReferralConvertedEmailView);
    public override string Name => "referral-converted";
}

public sealed record CommissionPaidEmail(string ReferrerFirstName, decimal Amount, string PaymentReference, DateOnly PaidOn, string DashboardUrl) : EmailTemplate
{
    public override string Subject => $"Your referral commission of {EmailFormat.Money(Amount)} has been paid";
    public override Type ComponentType => typeof(CommissionPaidEmailView);
    public override string Name => "commission-paid";
}

/// <summary>How e-mails show money and dates: US English, whatever the server's culture.</summary>
internal static class EmailFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    /// <summary>"$1,234.50".</summary>
    public static string Money(decimal amount) => amount.ToString("C2", Culture);

    /// <summary>"November 24, 2026 at 14:05 UTC".</summary>
    public static string DateTimeUtc(DateTime utc) => utc.ToString("MMMM d, yyyy 'at' HH:mm 'UTC'", Culture);

    /// <summary>"November 24, 2026".</summary>
    public static string Date(DateOnly date) => date.ToString("MMMM d, yyyy", Culture);
}

/// <summary>
/// An administrator created an account for this address (through the API). <see cref="RoleName"/> is the role in words; the link
/// lets the holder choose a password (which also confirms the address).
/// </summary>
public sealed record AccountCreatedEmail(string RoleName, string SetPasswordUrl) : EmailTemplate
{
    public override string Subject => "Your TaxGenius account is ready: choose a password";
    public override Type ComponentType => typeof(AccountCreatedEmailView);
    public override bool HighPriority => true;
    public override string Name => "account-created";
}
