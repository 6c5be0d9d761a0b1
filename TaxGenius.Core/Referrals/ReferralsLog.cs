using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Referrals;

/// <summary>The referral program's log messages (event ids 1500–1599). Ids and counts only, never an address or a name.</summary>
internal static partial class ReferralsLog
{
    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Referrer {ReferrerId} reached the daily invitation limit")]
    public static partial void InvitationsLimited(ILogger logger, Guid referrerId);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Referral {ReferralId} of referrer {ReferrerId} converted")]
    public static partial void Converted(ILogger logger, Guid referralId, Guid referrerId);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Payout {PayoutId} recorded: {Count} commission(s) to {Referrers} referrer(s)")]
    public static partial void PayoutRecorded(ILogger logger, Guid payoutId, int count, int referrers);
}
