using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>Engagements on both providers: one per client and year, stage rules, history and audit, racing moves, own data only.</summary>
public sealed class EngagementServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_client_has_one_engagement_per_year_even_when_two_requests_create_it_at_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var service = Create(database);
        var client = await TestUsers.CreateAsync(database, "casey@example.test");

        var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => service.EnsureAsync(client, 2026)));

        Assert.Single(created.Select(e => e.Id).Distinct());
        var engagement = created[0];
        Assert.Equal(EngagementStage.NotStarted, engagement.Stage);
        Assert.Equal(new DateOnly(2027, 4, 15), engagement.DueDate);
        Assert.NotEqual(engagement.Id, (await service.EnsureAsync(client, 2025)).Id);
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(2, await db.Engagements.CountAsync(e => e.ClientId == client));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Moves_are_recorded_with_who_and_when_audited_and_on_hold_needs_a_reason_and_resumes_where_it_was(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var service = Create(database);
        var client = await TestUsers.CreateAsync(database, "casey@example.test");
        var preparer = await TestUsers.CreateAsync(database, "pat@example.test", "Pat", "Lee");
        var actor = new AuditActor(preparer, "pat@example.test", "127.0.0.1");
        var engagement = await service.EnsureAsync(client, 2026);

        var requested = await service.MoveAsync(actor, engagement.Id, EngagementStage.DocumentsRequested, engagement.Version);
        Assert.True(requested.Succeeded, requested.Error);
        clock.Advance(TimeSpan.FromHours(1));

        var noReason = await service.MoveAsync(actor, engagement.Id, EngagementStage.OnHold, requested.Version, "  ");
        Assert.False(noReason.Succeeded);
        Assert.Contains("why", noReason.Error, StringComparison.Ordinal);

        var held = await service.MoveAsync(actor, engagement.Id, EngagementStage.OnHold, requested.Version, "Waiting for the K-1 from the partnership");
        Assert.True(held.Succeeded, held.Error);
        var resumed = await service.ResumeAsync(actor, engagement.Id, held.Version);
        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal(EngagementStage.DocumentsRequested, resumed.Stage);

        var history = await service.HistoryAsync(engagement.Id);
        Assert.Equal(
            [(EngagementStage.NotStarted, EngagementStage.DocumentsRequested), (EngagementStage.DocumentsRequested, EngagementStage.OnHold),
             (EngagementStage.OnHold, EngagementStage.DocumentsRequested)],
            history.Select(h => (h.From, h.To)));
        Assert.All(history, h => Assert.Equal(preparer, h.ActorId));
        Assert.All(history, h => Assert.Equal("Pat Lee", h.ActorName)); // as colleagues know her, not her address
        Assert.Equal("Waiting for the K-1 from the partnership", history[1].Reason);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, history[2].At);

        await using var db = await database.Factory.CreateDbContextAsync();
        var audited = await db.AuditEntries.Where(a => a.Action == AuditActions.EngagementStageChanged).OrderBy(a => a.At).ToListAsync();
        Assert.Equal(3, audited.Count);
        Assert.All(audited, a => Assert.Equal(client, a.SubjectUserId));
        Assert.Contains("Not started → Documents requested", audited[0].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_preparers_moving_one_card_at_once_one_wins_and_the_other_is_told_where_it_is(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var service = Create(database);
        var client = await TestUsers.CreateAsync(database, "casey@example.test");
        var engagement = await service.EnsureAsync(client, 2026);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var sam = new AuditActor(await TestUsers.CreateAsync(database, "sam@example.test"), "sam@example.test", null);

        // Both saw the card at the same version and drop it in different columns.
        var results = await Task.WhenAll(
            service.MoveAsync(pat, engagement.Id, EngagementStage.InPreparation, engagement.Version),
            service.MoveAsync(sam, engagement.Id, EngagementStage.DocumentsRequested, engagement.Version));

        var winner = Assert.Single(results, r => r.Succeeded);
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.True(loser.Conflict);
        Assert.Equal(winner.Stage, loser.Stage);
        Assert.Contains(EngagementStages.Name(winner.Stage!.Value), loser.Error, StringComparison.Ordinal);
        Assert.Single(await service.HistoryAsync(engagement.Id));

        // A stale card (the version before the winning move) is refused too, even when nobody races it.
        var stale = await service.MoveAsync(pat, engagement.Id, EngagementStage.InReview, engagement.Version);
        Assert.True(stale.Conflict);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_done_return_does_not_move_back_and_a_client_reads_only_their_own_engagement(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var service = Create(database);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test");
        var other = await TestUsers.CreateAsync(database, "other@example.test");
        var actor = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var engagement = await service.EnsureAsync(casey, 2026);

        var done = await service.MoveAsync(actor, engagement.Id, EngagementStage.Done, null);
        Assert.True(done.Succeeded, done.Error);
        var back = await service.MoveAsync(actor, engagement.Id, EngagementStage.InPreparation, null);
        Assert.False(back.Succeeded);
        Assert.Equal(EngagementStage.Done, back.Stage);

        var mine = await service.FindForClientAsync(casey, 2026);
        Assert.NotNull(mine);
        Assert.Equal("Your return is done.", mine.StageText);
        Assert.Null(await service.FindForClientAsync(other, 2026));
    }

    private EngagementService Create(TestDatabase database) => new EngagementServices(database, clock).Engagements;
}
