using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Referrals;

public enum ReferralStatus
{
    Pending,
    Converted,
    Paid,
}

/// <summary>How a referral reached the firm.</summary>
public enum ReferralSource
{
    /// <summary>Registered right after following the referrer's link /r/{code}.</summary>
    Link,

    /// <summary>Registered later, within 30 days, with the link's cookie still set.</summary>
    Cookie,

    /// <summary>Typed the referrer's code on the registration form.</summary>
    Code,

    /// <summary>The referrer invited the address from their dashboard.</summary>
    Invitation,
}

/// <summary>A person a referrer brought to the firm, and what the referrer earns for it.</summary>
public class Referral : IHasTimestamps
{
    public Guid Id { get; set; }
    public Guid ReferrerId { get; set; }
    public ApplicationUser? Referrer { get; set; }

    /// <summary>The invited (or registered) address, lower-case. Never shown to the referrer without the client's consent.</summary>
    public required string ClientEmail { get; set; }

    /// <summary>PENDING until the firm completes the client's first TAX_RETURN document (CONVERTED), then PAID. A concurrency token.</summary>
    public ReferralStatus Status { get; set; } = ReferralStatus.Pending;

    public ReferralSource Source { get; set; } = ReferralSource.Invitation;

    /// <summary>
    /// An invitation that can never be attributed: its address already had an account, or someone else had referred it first. It is
    /// kept (and answered) exactly like any other invitation, so the referrer learns nothing about who the firm's clients are; it
    /// never links to an account and never earns a commission.
    /// </summary>
    public bool Unattributed { get; set; }

    /// <summary>The client's account, once the person registered.</summary>
    public Guid? ClientUserId { get; set; }
    public ApplicationUser? ClientUser { get; set; }

    public DateTime? SignedUpAt { get; set; }

    /// <summary>US dollars, decimal(10,2). Zero until converted; then fixed from the referrer's rate at that moment.</summary>
    public decimal Commission { get; set; }

    public DateTime? ConvertedAt { get; set; }

    /// <summary>The TAX_RETURN document whose completion converted the referral.</summary>
    public Guid? ConvertedByDocumentId { get; set; }

    /// <summary>When the firm paid it: the payout's date (midnight UTC). Set together with <see cref="PayoutId"/>.</summary>
    public DateTime? PaidAt { get; set; }

    /// <summary>The batch that paid the commission (<see cref="Payout"/>); null until PAID.</summary>
    public Guid? PayoutId { get; set; }
    public Payout? Payout { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One batch of commissions an admin marked paid: the date the money left, the bank's reference, and the exact total of the
/// referrals it paid (each referral points back to it). Written once by <see cref="PayoutService"/>; never changed.
/// </summary>
public class Payout
{
    public const int MaxReferenceLength = 100;

    public Guid Id { get; set; }

    /// <summary>The day the money was sent (as the admin entered it).</summary>
    public DateOnly PaidOn { get; set; }

    /// <summary>The payment's reference, e.g. the bank transfer id; 1–100 characters.</summary>
    public required string Reference { get; set; }

    /// <summary>US dollars, decimal(10,2): the exact sum of the paid referrals' commissions.</summary>
    public decimal Total { get; set; }

    public int ReferralCount { get; set; }

    /// <summary>The admin who recorded it (no foreign key: deleting the admin keeps the record).</summary>
    public Guid? CreatedById { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A code that leads to a referrer: the random one every referrer gets, and at most one vanity code chosen once.
/// Both keep working, so links already shared never break.
/// </summary>
public class ReferralCode : IHasTimestamps
{
    public Guid Id { get; set; }

    /// <summary>Upper-case, 4–20 characters of A–Z and 2–9 without look-alikes (no I, L, O, 0, 1). Unique.</summary>
    public required string Code { get; set; }

    public Guid ReferrerId { get; set; }
    public ApplicationUser? Referrer { get; set; }

    public bool IsVanity { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One visit of /r/{code}. No personal data: the IP address only as a salted hash.</summary>
public class ReferralClick
{
    public Guid Id { get; set; }
    public Guid ReferralCodeId { get; set; }
    public ReferralCode? ReferralCode { get; set; }

    /// <summary>Denormalized from the code, so a referrer's clicks are counted without a join.</summary>
    public Guid ReferrerId { get; set; }

    public DateTime At { get; set; }

    /// <summary>HMAC-SHA256 of the IP address under <see cref="ReferralOptions.IpHashSalt"/>, hex; null when unknown.</summary>
    public string? IpHash { get; set; }
}

/// <summary>An admin's per-referrer commission, overriding <see cref="ReferralOptions.DefaultCommission"/>.</summary>
public class ReferrerCommissionRate : IHasTimestamps
{
    public Guid ReferrerId { get; set; }
    public ApplicationUser? Referrer { get; set; }

    /// <summary>US dollars per converted referral, decimal(10,2).</summary>
    public decimal Amount { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
