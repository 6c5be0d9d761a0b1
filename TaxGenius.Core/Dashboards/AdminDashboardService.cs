using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Dashboards;

/// <summary>Average time from upload to completion, overall and per document type, over the latest completions.</summary>
public sealed record TurnaroundSummary(int Sample, TimeSpan? Average, IReadOnlyDictionary<DocumentType, TimeSpan> ByType);

/// <summary>The referral funnel from the Referral table's statuses: referred (all), converted (CONVERTED or PAID), paid.</summary>
public sealed record ReferralFunnel(int Referred, int Converted, int Paid);

/// <summary>The admin dashboard's numbers that <see cref="RoleHomeService"/> does not already cache.</summary>
public sealed class AdminDashboardService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    /// <summary>How many of the latest completions the turnaround averages (bounded work at any table size).</summary>
    public const int TurnaroundSample = 1000;

    /// <summary>
    /// Upload (the document's CreatedAt) to its latest move to COMPLETED (DocumentStatusChanges), averaged over the
    /// <see cref="TurnaroundSample"/> most recent completions. Computed in memory: both providers, no date arithmetic in SQL.
    /// </summary>
    public async Task<TurnaroundSummary> GetTurnaroundAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var completions = await (from c in db.DocumentStatusChanges.AsNoTracking()
                                 join d in db.Documents.AsNoTracking() on c.DocumentId equals d.Id
                                 where c.ToStatus == DocumentStatus.Completed && d.Status == DocumentStatus.Completed
                                 orderby c.At descending
                                 select new { c.DocumentId, d.Type, Uploaded = d.CreatedAt, Completed = c.At })
            .Take(TurnaroundSample)
            .ToListAsync(cancellationToken);

        // A document completed, reopened and completed again counts once, at its latest completion.
        var latest = completions.GroupBy(c => c.DocumentId).Select(g => g.First()).ToList();
        if (latest.Count == 0)
        {
            return new TurnaroundSummary(0, null, new Dictionary<DocumentType, TimeSpan>());
        }

        static TimeSpan Mean(IEnumerable<TimeSpan> spans) => TimeSpan.FromTicks((long)spans.Average(s => (double)s.Ticks));
        return new TurnaroundSummary(
            latest.Count,
            Mean(latest.Select(c => c.Completed - c.Uploaded)),
            latest.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => Mean(g.Select(c => c.Completed - c.Uploaded))));
    }

    public async Task<ReferralFunnel> GetReferralFunnelAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Referrals.AsNoTracking().GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var pending = counts.GetValueOrDefault(ReferralStatus.Pending);
        var converted = counts.GetValueOrDefault(ReferralStatus.Converted);
        var paid = counts.GetValueOrDefault(ReferralStatus.Paid);
        return new ReferralFunnel(pending + converted + paid, converted + paid, paid);
    }
}
