using TaxGenius.Core.Common;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>The board's reads on both providers: counts per column, a capped and ordered column, the filters.</summary>
public sealed class EngagementBoardServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Columns_count_everything_show_the_most_urgent_first_and_the_filters_narrow_them(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var engagements = services.Engagements;
        var board = new EngagementBoardService(database.Factory, clock);
        var pat = await TestUsers.CreateAsync(database, "pat@example.test", "Pat", "Preparer");
        var actor = new AuditActor(pat, "pat@example.test", null);

        // Five clients in 2025: three requested (one extended to October, one assigned to Pat), one in preparation, one filed late.
        var ids = new List<Guid>();
        foreach (var (first, last) in new[] { ("Ana", "Alvarez"), ("Ben", "Brooks"), ("Cleo", "Chen"), ("Dev", "Dunn"), ("Eve", "Evans") })
        {
            var client = await TestUsers.CreateAsync(database, $"{first.ToLowerInvariant()}@example.test", first, last);
            ids.Add((await engagements.EnsureAsync(client, 2025)).Id);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var rows = db.Engagements.Where(e => ids.Contains(e.Id)).ToList();
            rows.ForEach(e => e.Stage = EngagementStage.DocumentsRequested);
            rows.Single(e => e.Id == ids[0]).ExtendedDueDate = new DateOnly(2026, 10, 15);
            rows.Single(e => e.Id == ids[1]).PreparerId = pat;
            rows.Single(e => e.Id == ids[3]).Stage = EngagementStage.InPreparation;
            rows.Single(e => e.Id == ids[4]).Stage = EngagementStage.Filed;
            await db.SaveChangesAsync();
        }

        var all = await board.GetAsync(pat, new BoardFilter { TaxYear = 2025 });
        Assert.Equal(3, all.Counts[EngagementStage.DocumentsRequested]);
        Assert.Equal(1, all.Counts[EngagementStage.InPreparation]);
        Assert.False(all.Counts.ContainsKey(EngagementStage.Done));
        // Due April 15 before October 15: Ben and Cleo (in the order they reached the column) before Ana.
        Assert.Equal(["Ben Brooks", "Cleo Chen", "Ana Alvarez"], all.In(EngagementStage.DocumentsRequested).Select(c => c.ClientName));

        var capped = await board.GetAsync(pat, new BoardFilter { TaxYear = 2025 }, perColumn: 2);
        Assert.Equal(2, capped.In(EngagementStage.DocumentsRequested).Count());
        Assert.Equal(1, capped.Hidden(EngagementStage.DocumentsRequested));

        var mine = (await board.GetAsync(pat, new BoardFilter { TaxYear = 2025, Assignee = BoardAssignee.Mine })).Cards;
        Assert.Equal(["Ben Brooks"], mine.Select(c => c.ClientName));
        // The card names its preparer as colleagues know them (their profile's name), the address kept for its tooltip.
        Assert.Equal(("Pat Preparer", "pat@example.test"), (mine.Single().Preparer, mine.Single().PreparerEmail));
        Assert.Equal(4, (await board.GetAsync(pat, new BoardFilter { TaxYear = 2025, Assignee = BoardAssignee.Unassigned })).Cards.Count);
        // 1 May 2026: April 15 has passed for everyone not extended and not filed.
        Assert.Equal(["Ben Brooks", "Cleo Chen", "Dev Dunn"],
            (await board.GetAsync(pat, new BoardFilter { TaxYear = 2025, OverdueOnly = true })).Cards.Select(c => c.ClientName).Order());
        Assert.Equal(["Cleo Chen"], (await board.GetAsync(pat, new BoardFilter { TaxYear = 2025, Search = "  cHeN " })).Cards.Select(c => c.ClientName));
        Assert.Equal(["Eve Evans"], (await board.GetAsync(pat, new BoardFilter { TaxYear = 2025, Search = "eve@" })).Cards.Select(c => c.ClientName));
        Assert.Empty((await board.GetAsync(pat, new BoardFilter { TaxYear = 2024 })).Cards);

        // A move shows on the next read, with the new version the card carries.
        var card = all.In(EngagementStage.InPreparation).Single();
        Assert.True((await engagements.MoveAsync(actor, card.Id, EngagementStage.InReview, card.Version)).Succeeded);
        var after = await board.GetAsync(pat, new BoardFilter { TaxYear = 2025 });
        var moved = after.In(EngagementStage.InReview).Single();
        Assert.NotEqual(card.Version, moved.Version);
        Assert.True((await engagements.MoveAsync(actor, moved.Id, EngagementStage.AwaitingSignature, moved.Version)).Succeeded);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_list_view_pages_by_keyset_longest_in_stage_first_and_shows_what_is_missing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var board = new EngagementBoardService(database.Factory, clock);
        var pat = await TestUsers.CreateAsync(database, "pat@example.test");
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var client = await TestUsers.CreateAsync(database, $"client{i}@example.test", $"Client{i}", "List");
            ids.Add((await services.Engagements.EnsureAsync(client, 2025)).Id);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.True((await services.Requests.RequestAsync(new AuditActor(pat, "pat@example.test", null), ids[2],
            [new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp"), new NewRequestItem(RequestKind.Other, "Receipts", Required: false)])).Succeeded);

        var filter = new BoardFilter { TaxYear = 2025 };
        var seen = new List<BoardCard>();
        var page = await board.ListAsync(pat, filter, PageRequest.First(3));
        seen.AddRange(page.Rows);
        while (page.HasNext)
        {
            page = await board.ListAsync(pat, filter, new PageRequest(After: page.Last, Size: 3));
            seen.AddRange(page.Rows);
        }

        // Every engagement once, longest in its stage first (the one just moved to Documents requested last).
        Assert.Equal(7, seen.Select(c => c.Id).Distinct().Count());
        Assert.Equal(ids[2], seen[^1].Id);
        Assert.Equal(1, seen[^1].Missing);
        Assert.Equal(seen.OrderBy(c => c.StageChangedAt).ThenBy(c => c.Id).Select(c => c.Id), seen.Select(c => c.Id));

        var back = await board.ListAsync(pat, filter, new PageRequest(Before: page.First, Size: 3));
        Assert.Equal(seen.Skip(3).Take(3).Select(c => c.Id), back.Rows.Select(c => c.Id));
        var requested = await board.ListAsync(pat, filter with { Stage = EngagementStage.DocumentsRequested }, PageRequest.First());
        Assert.Equal([ids[2]], requested.Rows.Select(c => c.Id));
    }
}
