using System.ComponentModel.DataAnnotations;

namespace TaxGenius.Core.Referrals;

/// <summary>Settings under <c>Referrals</c>.</summary>
public sealed class ReferralOptions
{
    public const string Section = "Referrals";

    /// <summary>US dollars earned per converted referral unless an admin set another rate for the referrer.</summary>
    [Range(typeof(decimal), "0", "99999999.99")]
    public decimal DefaultCommission { get; set; } = 50.00m;

    /// <summary>Invitations a referrer may send per day.</summary>
    [Range(1, 10_000)]
    public int InvitationsPerDay { get; set; } = 20;

    /// <summary>How long the link's cookie keeps a visitor attributed.</summary>
    [Range(1, 365)]
    public int CookieDays { get; set; } = 30;

    /// <summary>
    /// The secret mixed into click IP hashes. Empty: a random salt per process (hashes then only compare within one run),
    /// which is enough for counting clicks and keeps the address unrecoverable.
    /// </summary>
    public string? IpHashSalt { get; set; }
}
