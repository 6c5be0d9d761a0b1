using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Referrals;

public enum ReferralStatus
{
    Pending,
    Converted,
    Paid,
}

/// <summary>A person a referrer brought to the firm, and what the referrer earns for it.</summary>
public class Referral : IHasTimestamps
{
    public Guid Id { get; set; }
    public Guid ReferrerId { get; set; }
    public ApplicationUser? Referrer { get; set; }

    public required string ClientEmail { get; set; }
    public ReferralStatus Status { get; set; } = ReferralStatus.Pending;

    /// <summary>US dollars, decimal(10,2). Exact on every provider (integer cents on SQLite).</summary>
    public decimal Commission { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
