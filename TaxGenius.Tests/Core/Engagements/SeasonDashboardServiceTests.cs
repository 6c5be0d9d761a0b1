using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>The season's figures on both providers: by stage, overdue, late items, turnaround, workload, uploads since a moment.</summary>
public sealed class SeasonDashboardServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_season_counts_stages_overdue_returns_late_items_turnaround_and_workload(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var season = new SeasonDashboardService(database.Factory, clock);
        var pat = await TestUsers.CreateAsync(database, "pat@example.test");
        var actor = new AuditActor(pat, "pat@example.test", null);
        var a = await TestUsers.CreateAsync(database, "a@example.test", "Ann", "A");
        var b = await TestUsers.CreateAsync(database, "b@example.test", "Ben", "B");
        var c = await TestUsers.CreateAsync(database, "c@example.test", "Cy", "C");

        // Ann: asked on Feb 1, late after 14 days; Ben: filed, five days after his documents came in; Cy: not started, unassigned.
        Assert.True((await services.Organizer.StartYearAsync(actor, a, 2026)).Succeeded);
        var benEngagement = await services.Engagements.EnsureAsync(b, 2026);
        await services.Engagements.EnsureAsync(c, 2026);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            foreach (var engagement in db.Engagements.Where(e => e.ClientId == a || e.ClientId == b))
            {
                engagement.PreparerId = pat;
            }

            await db.SaveChangesAsync();
        }

        Assert.True((await services.Engagements.MoveAsync(actor, benEngagement.Id, EngagementStage.DocumentsReceived, null)).Succeeded);
        clock.Advance(TimeSpan.FromDays(5));
        Assert.True((await services.Engagements.MoveAsync(actor, benEngagement.Id, EngagementStage.Filed, null)).Succeeded);
        clock.Advance(TimeSpan.FromDays(10)); // Feb 16: Ann's items are late

        var firm = await season.GetAsync(2026);
        Assert.Equal(3, firm.Total);
        Assert.Equal(1, firm.ByStage[EngagementStage.DocumentsRequested]);
        Assert.Equal(1, firm.ByStage[EngagementStage.Filed]);
        Assert.Equal(0, firm.OverdueReturns);
        Assert.Equal(OrganizerService.DefaultTemplate.Count(t => t.Required), firm.LateItems);
        Assert.Equal(TimeSpan.FromDays(5), firm.Turnaround);
        Assert.Equal([new PreparerLoad("Unassigned", 1, 0), new PreparerLoad("pat@example.test", 1, 0)], firm.Workload);

        var mine = await season.GetAsync(2026, pat);
        Assert.Equal(2, mine.Total);
        Assert.Empty(mine.Workload);

        // After April 15, 2027 the two open returns are overdue; Ben's filed one is not.
        clock.SetUtcNow(new DateTimeOffset(2027, 4, 20, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, (await season.GetAsync(2026)).OverdueReturns);

        // Uploads since a moment: only documents of the preparer's own clients count.
        var since = clock.GetUtcNow().UtcDateTime;
        clock.Advance(TimeSpan.FromMinutes(1));
        await TestDocuments.AddAsync(database, a, taxYear: 2026);
        await TestDocuments.AddAsync(database, c, taxYear: 2026);
        Assert.Equal(1, await season.UploadsSinceAsync(pat, 2026, since));
    }
}
