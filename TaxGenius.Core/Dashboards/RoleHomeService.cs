using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Dashboards;

public sealed record UserGreeting(string DisplayName, string Email);

/// <summary>What a client's home shows: the checklist for the tax year being prepared, counts by status, recent activity.</summary>
public sealed record ClientHomeSummary(
    bool ProfileComplete,
    bool SsnOnFile,
    IReadOnlyDictionary<DocumentStatus, int> DocumentsByStatus,
    int TaxYear = 0,
    bool IncomeFormUploaded = false,
    bool PhotoIdUploaded = false,
    bool PriorReturnUploaded = false,
    IReadOnlyList<ClientActivity>? Recent = null,
    Engagements.EngagementStage? ReturnStage = null,
    DateOnly? ReturnDueDate = null)
{
    public int ChecklistDone => new[] { ProfileComplete, SsnOnFile, IncomeFormUploaded, PhotoIdUploaded, PriorReturnUploaded }.Count(b => b);

    public const int ChecklistTotal = 5;
}

/// <summary>One line of a client's recent activity: a document uploaded, or its status changed.</summary>
public sealed record ClientActivity(Guid DocumentId, string FileName, DocumentType Type, DocumentStatus Status, DateTime At, bool IsUpload);

public sealed record ReferrerHomeSummary(IReadOnlyDictionary<ReferralStatus, int> ReferralsByStatus, decimal CommissionConverted, decimal CommissionPaid);

/// <summary>The small summaries each role's home page shows; hot reads, cached and invalidated by every write that changes them.</summary>
public sealed class RoleHomeService(IDbContextFactory<TaxGeniusDbContext> dbFactory, TaxGeniusCache cache, TimeProvider timeProvider)
{
    public Task<UserGreeting?> GetGreetingAsync(Guid userId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.UserGreeting(userId), ct => LoadGreetingAsync(userId, ct), cancellationToken: cancellationToken);

    public Task<ClientHomeSummary> GetClientSummaryAsync(Guid userId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.ClientSummary(userId), ct => LoadClientSummaryAsync(userId, ct), cancellationToken: cancellationToken);

    public Task<IReadOnlyDictionary<DocumentStatus, int>> GetDocumentCountsAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.DocumentCounts, LoadDocumentCountsAsync, cancellationToken: cancellationToken);

    public Task<ReferrerHomeSummary> GetReferrerSummaryAsync(Guid referrerId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.ReferrerSummary(referrerId), ct => LoadReferrerSummaryAsync(referrerId, ct), cancellationToken: cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> GetUsersByRoleAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.UsersByRole, LoadUsersByRoleAsync, cancellationToken: cancellationToken);

    private async Task<UserGreeting?> LoadGreetingAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new UserGreeting(u.Profile != null ? u.Profile.FirstName : (u.Email ?? ""), u.Email ?? ""))
            .SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<ClientHomeSummary> LoadClientSummaryAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                HasSsn = u.SsnEncrypted != null,
                ProfileComplete = u.Profile != null && u.Profile.Phone != null && u.Profile.Street != null && u.Profile.City != null
                    && u.Profile.State != null && u.Profile.Zip != null,
            })
            .SingleOrDefaultAsync(cancellationToken);
        var counts = await db.Documents.AsNoTracking().Where(d => d.UserId == userId)
            .GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);

        // A rejected upload does not tick a box: the firm still needs a usable copy.
        var taxYear = TaxYears.Current(timeProvider);
        var kept = await db.Documents.AsNoTracking().Where(d => d.UserId == userId && d.Status != DocumentStatus.Rejected)
            .GroupBy(d => new { d.Type, ThisYear = d.TaxYear == taxYear }).Select(g => g.Key).ToListAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().Where(e => e.ClientId == userId && e.TaxYear == taxYear)
            .Select(e => new { e.Stage, Due = e.ExtendedDueDate ?? e.DueDate }).SingleOrDefaultAsync(cancellationToken);
        var recent = await db.Documents.AsNoTracking().Where(d => d.UserId == userId)
            .OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id).Take(5)
            .Select(d => new { d.Id, d.FileName, d.Type, d.Status, d.CreatedAt, d.UpdatedAt })
            .ToListAsync(cancellationToken);
        return new ClientHomeSummary(user?.ProfileComplete ?? false, user?.HasSsn ?? false, Complete(counts),
            taxYear,
            IncomeFormUploaded: kept.Any(k => k.ThisYear && k.Type is DocumentType.W2 or DocumentType.Form1099),
            PhotoIdUploaded: kept.Any(k => k.Type == DocumentType.Id),
            PriorReturnUploaded: kept.Any(k => k.Type == DocumentType.TaxReturn),
            Recent: recent.Select(d => new ClientActivity(d.Id, d.FileName, d.Type, d.Status, d.UpdatedAt,
                IsUpload: d.Status == DocumentStatus.Pending && d.UpdatedAt - d.CreatedAt < TimeSpan.FromSeconds(1))).ToList(),
            engagement?.Stage, engagement?.Due);
    }

    private async Task<IReadOnlyDictionary<DocumentStatus, int>> LoadDocumentCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Documents.AsNoTracking()
            .GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return Complete(counts);
    }

    private async Task<ReferrerHomeSummary> LoadReferrerSummaryAsync(Guid referrerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId)
            .GroupBy(r => r.Status)
            .Select(g => new { g.Key, Count = g.Count(), Total = g.Sum(r => r.Commission) })
            .ToListAsync(cancellationToken);
        return new ReferrerHomeSummary(
            Complete(rows.ToDictionary(r => r.Key, r => r.Count)),
            rows.Where(r => r.Key == ReferralStatus.Converted).Sum(r => r.Total),
            rows.Where(r => r.Key == ReferralStatus.Paid).Sum(r => r.Total));
    }

    private async Task<IReadOnlyDictionary<string, int>> LoadUsersByRoleAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            group ur by r.Name into g
                            select new { Role = g.Key!, Count = g.Count() })
            .ToDictionaryAsync(x => x.Role, x => x.Count, cancellationToken);
        return Roles.All.ToDictionary(r => r, r => counts.GetValueOrDefault(r));
    }

    private static Dictionary<TEnum, int> Complete<TEnum>(Dictionary<TEnum, int> counts) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().ToDictionary(v => v, v => counts.GetValueOrDefault(v));
}
