namespace TaxGenius.Core.Referrals;

/// <summary>
/// What a registration brings about referrals: the code on the form, where it came from, the cookie's code. Consent to be named to the
/// referrer is asked on its own screen afterwards (<see cref="Compliance.Consents.ConsentService"/>), never on the form.
/// </summary>
/// <param name="Code">The code in the form's field (typed, or prefilled from the link or the cookie); null when empty.</param>
/// <param name="CodeSource">How the field got its code: <see cref="ReferralSource.Link"/>, <see cref="ReferralSource.Cookie"/> or <see cref="ReferralSource.Code"/> (typed).</param>
/// <param name="CookieCode">The code in the first-party cookie set by /r/{code}, if any.</param>
public sealed record RegistrationReferral(string? Code, ReferralSource CodeSource, string? CookieCode);

public sealed record InvitationResult(bool Succeeded, string Message)
{
    internal static InvitationResult Refused(string message) => new(false, message);
}

public sealed record VanityCodeResult(bool Succeeded, string? Error, string Code);

/// <summary>The referrer's numbers. Counts and amounts only: no person.</summary>
public sealed record ReferrerStats(
    string Code, bool VanityChosen, int Clicks, int Invited, int SignUps, int Conversions,
    decimal CommissionPending, decimal CommissionConverted, decimal CommissionPaid, decimal Rate);

/// <summary>
/// One referral as its referrer may see it. <see cref="ClientName"/> and <see cref="ClientEmail"/> are null unless the client
/// consented to be named to the referrer. A referrer knows the addresses they invited, so without consent an invitation shows no
/// progress at all (stage "Invited", no dates, no amount): whether that person became a client is theirs to share.
/// </summary>
public sealed record ReferralRow(
    Guid Id, string? ClientName, string? ClientEmail, ReferralSource Source, ReferralStatus Status,
    DateTime CreatedAt, DateTime? SignedUpAt, DateTime? ConvertedAt, DateTime? PaidAt, decimal Commission)
{
    /// <summary>Invited, Signed up, Converted or Paid: where the referral stands, in the referrer's words.</summary>
    public string Stage => Status switch
    {
        ReferralStatus.Paid => "Paid",
        ReferralStatus.Converted => "Converted",
        _ => SignedUpAt is null ? "Invited" : "Signed up",
    };

    public bool Shared => ClientEmail is not null;
}

public sealed record ReferralMonth(DateOnly Month, int Conversions, decimal Earnings);

public sealed record ReferrerDashboard(ReferrerStats Stats, IReadOnlyList<ReferralMonth> Months, IReadOnlyList<ReferralRow> Rows);
