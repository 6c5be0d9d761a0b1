using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// What a referrer sees of their referrals: the numbers (cached), the last <see cref="MonthsShown"/> months, each referral, and the
/// CSV. Nothing here names a person who did not consent to be named to the referrer (IRC §7216), and an invited person's progress
/// shows only with their consent.
/// </summary>
public sealed class ReferrerDashboardService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IOptions<ReferralOptions> options,
    TaxGeniusCache cache,
    TimeProvider timeProvider)
{
    public const int MonthsShown = 12;

    /// <summary>The referrer's numbers (cached; every write that changes them invalidates them).</summary>
    public Task<ReferrerStats> GetStatsAsync(Guid referrerId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.ReferrerStats(referrerId), ct => LoadStatsAsync(referrerId, ct), cancellationToken: cancellationToken);

    /// <summary>Everything /referrer shows: the numbers, the last <see cref="MonthsShown"/> months, and each referral (consent-gated).</summary>
    public async Task<ReferrerDashboard> GetDashboardAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        var stats = await GetStatsAsync(referrerId, cancellationToken);
        var rows = await GetReferralsAsync(referrerId, cancellationToken);
        var thisMonth = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        thisMonth = new DateOnly(thisMonth.Year, thisMonth.Month, 1);
        var since = thisMonth.AddMonths(1 - MonthsShown).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        // Counts and amounts per month, like the totals: they name nobody (rows may hide an invitation's progress).
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversions = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId && r.ConvertedAt >= since)
            .Select(r => new { ConvertedAt = r.ConvertedAt!.Value, r.Commission }).ToListAsync(cancellationToken);
        var months = Enumerable.Range(0, MonthsShown).Select(i => thisMonth.AddMonths(i - MonthsShown + 1))
            .Select(m =>
            {
                var converted = conversions.Where(r => r.ConvertedAt.Year == m.Year && r.ConvertedAt.Month == m.Month).ToList();
                return new ReferralMonth(m, converted.Count, converted.Sum(r => r.Commission));
            })
            .ToList();
        return new ReferrerDashboard(stats, months, rows);
    }

    /// <summary>The referrer's own referrals, newest first. A person is named only with their consent.</summary>
    public async Task<IReadOnlyList<ReferralRow>> GetReferralsAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Select(r => new
            {
                r.Id,
                r.ClientEmail,
                r.ClientUserId,
                FirstName = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.FirstName : null,
                LastName = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.LastName : null,
                r.Source,
                r.Status,
                r.CreatedAt,
                r.SignedUpAt,
                r.ConvertedAt,
                r.PaidAt,
                r.Commission,
            })
            .ToListAsync(cancellationToken);
        // Asked at every read: a consent revoked or expired a moment ago hides the person now.
        var shared = await Compliance.Consents.ReferralConsent.SharedAsync(db, rows.Select(r => r.ClientUserId), timeProvider.GetUtcNow().UtcDateTime,
            cancellationToken);
        return rows.Select(r => (Row: r, Consented: r.ClientUserId is { } id && shared.Contains(id)))
            .Select(x => x.Row.Source == ReferralSource.Invitation && !x.Consented
                ? new ReferralRow(x.Row.Id, null, null, x.Row.Source, ReferralStatus.Pending, x.Row.CreatedAt, null, null, null, 0m)
                : new ReferralRow(x.Row.Id,
                    x.Consented ? $"{x.Row.FirstName} {x.Row.LastName}".Trim() : null,
                    x.Consented ? x.Row.ClientEmail : null,
                    x.Row.Source, x.Row.Status, x.Row.CreatedAt, x.Row.SignedUpAt, x.Row.ConvertedAt, x.Row.PaidAt, x.Row.Commission))
            .ToList();
    }

    /// <summary>CSV columns, in order.</summary>
    public static readonly IReadOnlyList<string> CsvHeader =
        ["Referral", "Stage", "Source", "Referred on", "Signed up on", "Converted on", "Paid on", "Commission (USD)", "Client name", "Client e-mail"];

    /// <summary>
    /// Writes the referrer's own referrals as CSV (UTF-8, comma-separated, dates yyyy-MM-dd UTC, amounts 0.00). The client's name
    /// and e-mail are filled only with their consent; cells that a spreadsheet would run as a formula are escaped.
    /// </summary>
    public async Task WriteCsvAsync(Guid referrerId, Stream destination, CancellationToken cancellationToken = default)
    {
        var rows = await GetReferralsAsync(referrerId, cancellationToken);
        await using var writer = CsvWriter.Utf8(destination);
        var csv = new CsvWriter(writer);
        await csv.WriteRecordAsync([.. CsvHeader], cancellationToken);
        foreach (var row in rows)
        {
            await csv.WriteRecordAsync(
            [
                row.Id.ToString(),
                row.Stage,
                SourceName(row.Source),
                Date(row.CreatedAt),
                Date(row.SignedUpAt),
                Date(row.ConvertedAt),
                Date(row.PaidAt),
                row.Commission.ToString("0.00", CultureInfo.InvariantCulture),
                row.ClientName ?? "",
                row.ClientEmail ?? "",
            ], cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    public static string SourceName(ReferralSource source) => source switch
    {
        ReferralSource.Link => "Link",
        ReferralSource.Cookie => "Link (returned later)",
        ReferralSource.Code => "Code typed",
        _ => "Invitation",
    };

    private static string Date(DateTime? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private async Task<ReferrerStats> LoadStatsAsync(Guid referrerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var code = await ReferralCodeService.GetOrCreateCodeAsync(db, referrerId, cancellationToken);
        var clicks = await db.ReferralClicks.CountAsync(c => c.ReferrerId == referrerId, cancellationToken);
        // Amounts are summed here, not in SQL: exact decimals on every provider whatever the row count.
        var referrals = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId)
            .Select(r => new { r.Status, SignedUp = r.SignedUpAt != null, r.Commission }).ToListAsync(cancellationToken);
        var rate = await ReferrerRateService.RateAsync(db, referrerId, options.Value, cancellationToken);
        var pendingSignedUp = referrals.Count(r => r.Status == ReferralStatus.Pending && r.SignedUp);
        return new ReferrerStats(
            code.Code,
            code.IsVanity,
            clicks,
            Invited: referrals.Count(r => !r.SignedUp),
            SignUps: referrals.Count(r => r.SignedUp),
            Conversions: referrals.Count(r => r.Status != ReferralStatus.Pending),
            CommissionPending: pendingSignedUp * rate,
            CommissionConverted: referrals.Where(r => r.Status == ReferralStatus.Converted).Sum(r => r.Commission),
            CommissionPaid: referrals.Where(r => r.Status == ReferralStatus.Paid).Sum(r => r.Commission),
            rate);
    }
}
