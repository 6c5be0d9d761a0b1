using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Engagements;

/// <summary>One preparer's share of the season: returns still open, and how many of them are overdue.</summary>
public sealed record PreparerLoad(string Preparer, int Open, int Overdue);

/// <summary>
/// A tax year's season at a glance: returns by stage, overdue returns, requested items the client is late with, the time from
/// "documents received" to "filed", and (firm-wide) the workload per preparer.
/// </summary>
public sealed record SeasonSummary(
    int TaxYear,
    IReadOnlyDictionary<EngagementStage, int> ByStage,
    int OverdueReturns,
    int LateItems,
    TimeSpan? Turnaround,
    int TurnaroundSample,
    IReadOnlyList<PreparerLoad> Workload)
{
    public int Total => ByStage.Values.Sum();
}

/// <summary>The season's figures for the preparer's home (their own engagements) and the admin dashboard (the firm's).</summary>
public sealed class SeasonDashboardService(IDbContextFactory<TaxGeniusDbContext> dbFactory, TimeProvider timeProvider)
{
    /// <summary>A required item with no due date of its own is late this long after the firm asked.</summary>
    public static readonly TimeSpan ItemGrace = TimeSpan.FromDays(14);

    public async Task<SeasonSummary> GetAsync(int taxYear, Guid? preparerId = null, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var askedBefore = now - ItemGrace;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var year = db.Engagements.AsNoTracking().Where(e => e.TaxYear == taxYear);
        if (preparerId is { } me)
        {
            year = year.Where(e => e.PreparerId == me || e.ReviewerId == me);
        }

        var byStage = await year.GroupBy(e => e.Stage).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var open = year.Where(e => e.Stage != EngagementStage.Filed && e.Stage != EngagementStage.Done);
        var overdue = await open.CountAsync(e => e.DueOn < today, cancellationToken);
        var lateItems = await db.RequestItems.AsNoTracking()
            .Where(i => i.Required && i.Status == RequestItemStatus.Open && year.Any(e => e.Id == i.EngagementId && e.Stage == EngagementStage.DocumentsRequested))
            .CountAsync(i => i.DueDate != null ? i.DueDate < today : i.Engagement!.RequestedAt < askedBefore, cancellationToken);

        // From the first "documents received" to "filed", for the year's returns filed so far.
        var moves = await db.EngagementStageChanges.AsNoTracking()
            .Where(c => (c.To == EngagementStage.DocumentsReceived || c.To == EngagementStage.Filed) && year.Any(e => e.Id == c.EngagementId))
            .Select(c => new { c.EngagementId, c.To, c.At })
            .ToListAsync(cancellationToken);
        var spans = moves.GroupBy(m => m.EngagementId)
            .Select(g => (Received: g.Where(m => m.To == EngagementStage.DocumentsReceived).Select(m => (DateTime?)m.At).Min(),
                Filed: g.Where(m => m.To == EngagementStage.Filed).Select(m => (DateTime?)m.At).Max()))
            .Where(s => s.Received is not null && s.Filed > s.Received)
            .Select(s => s.Filed!.Value - s.Received!.Value).ToList();
        TimeSpan? turnaround = spans.Count == 0 ? null : TimeSpan.FromTicks((long)spans.Average(s => s.Ticks));

        IReadOnlyList<PreparerLoad> workload = [];
        if (preparerId is null)
        {
            var loads = await open.GroupBy(e => e.PreparerId)
                .Select(g => new { g.Key, Open = g.Count(), Overdue = g.Count(e => e.DueOn < today) })
                .ToListAsync(cancellationToken);
            var ids = loads.Where(l => l.Key != null).Select(l => l.Key!.Value).ToList();
            // Preparers as colleagues know them: their name, or their address when they have no profile.
            var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
                .Select(u => new { u.Id, Name = u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : u.Email ?? "" })
                .ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
            workload = loads.Select(l => new PreparerLoad(l.Key is { } id ? names.GetValueOrDefault(id, "") : "Unassigned", l.Open, l.Overdue))
                .OrderByDescending(l => l.Open).ThenBy(l => l.Preparer, StringComparer.Ordinal).ToList();
        }

        return new SeasonSummary(taxYear, byStage, overdue, lateItems, turnaround, spans.Count, workload);
    }

    /// <summary>Documents the preparer's clients uploaded for <paramref name="taxYear"/> since <paramref name="since"/>.</summary>
    public async Task<int> UploadsSinceAsync(Guid preparerId, int taxYear, DateTime since, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Documents.AsNoTracking()
            .Where(d => d.TaxYear == taxYear && d.CreatedAt > since
                && db.Engagements.Any(e => e.ClientId == d.UserId && e.TaxYear == taxYear && (e.PreparerId == preparerId || e.ReviewerId == preparerId)))
            .CountAsync(cancellationToken);
    }
}
