using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Common;

/// <summary>The one keyset pager every list uses, on both providers: order with ties, both directions, the short-first-page rule, parameters.</summary>
public sealed class KeysetTests
{
    private static readonly Keyset<AuditEntry> NewestFirst = new(e => e.At, e => e.Id, PageOrder.Descending);
    private static readonly Keyset<AuditEntry> OldestFirst = new(e => e.At, e => e.Id, PageOrder.Ascending);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pages_walk_every_row_once_in_order_both_ways_even_when_times_tie(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var times = await SeedAsync(database);
        var expected = times.OrderBy(t => t.Value).ThenBy(t => t.Key).Select(t => t.Key).ToList();
        PageCursor CursorOf(Guid id) => new(times[id], id);
        await using var db = await database.Factory.CreateDbContextAsync();

        foreach (var (keyset, order) in new[] { (OldestFirst, expected), (NewestFirst, expected.AsEnumerable().Reverse().ToList()) })
        {
            // Forwards, 3 at a time.
            var pages = new List<Page<Guid>>();
            var page = await keyset.PageAsync(db.AuditEntries, PageRequest.First(3), q => q.Select(e => e.Id), CursorOf, default);
            pages.Add(page);
            while (page.HasNext)
            {
                page = await keyset.PageAsync(db.AuditEntries, new PageRequest(After: page.Last, Size: 3), q => q.Select(e => e.Id), CursorOf, default);
                pages.Add(page);
            }

            Assert.Equal(order, pages.SelectMany(p => p.Rows).ToList());
            Assert.Equal([3, 3, 1], pages.Select(p => p.Rows.Count));
            Assert.Equal([false, true, true], pages.Select(p => p.HasPrevious));
            Assert.Equal([true, true, false], pages.Select(p => p.HasNext));

            // Backwards from the last page gives the middle page again, then the first.
            var back = await keyset.PageAsync(db.AuditEntries, new PageRequest(Before: pages[2].First, Size: 3), q => q.Select(e => e.Id), CursorOf, default);
            Assert.Equal(pages[1].Rows, back.Rows);
            Assert.True(back.HasPrevious && back.HasNext);

            // Fewer than a page before the cursor: the full first page, not a page of one.
            var nearStart = new PageRequest(Before: CursorOf(order[1]), Size: 3);
            var first = await keyset.PageAsync(db.AuditEntries, nearStart, q => q.Select(e => e.Id), CursorOf, default);
            Assert.Equal(order.Take(3), first.Rows);
            Assert.False(first.HasPrevious);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_cursor_travels_as_a_query_parameter_so_every_page_shares_one_compiled_query(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = await database.Factory.CreateDbContextAsync();
        var cursor = new PageCursor(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc), Guid.CreateVersion7());

        var sql = db.AuditEntries.Where(NewestFirst.Follows(cursor)).ToQueryString();

        // Parameter declarations come first (-- @p='…' on PostgreSQL, .param set on SQLite); the statement itself holds no value.
        var statement = string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith(".param", StringComparison.Ordinal)));
        Assert.Contains("SELECT", statement, StringComparison.Ordinal);
        Assert.DoesNotContain(cursor.Id.ToString(), statement, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(cursor.Id.ToString().ToUpperInvariant(), statement, StringComparison.Ordinal);
        Assert.DoesNotContain("2026", statement, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_token_round_trips_and_anything_else_is_refused()
    {
        var cursor = new PageCursor(new DateTime(2026, 12, 1, 10, 30, 0, 123, DateTimeKind.Utc), Guid.CreateVersion7());
        Assert.True(PageCursor.TryParse(cursor.ToToken(), out var read));
        Assert.Equal(cursor, read);

        foreach (var bad in new[] { null, "", "not-a-token", "MTIzX3h5eg", new string('A', 101), "LTFfMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA" })
        {
            Assert.False(PageCursor.TryParse(bad, out _));
        }
    }

    [Fact]
    public void Search_text_is_trimmed_capped_and_null_when_blank()
    {
        Assert.Null(SearchText.Normalize(null));
        Assert.Null(SearchText.Normalize("   "));
        Assert.Equal("ada", SearchText.Normalize("  ada "));
        Assert.Equal(SearchText.MaxLength, SearchText.Normalize(new string('x', 500))!.Length);
    }

    /// <summary>Seven entries, three of them at the same instant (ties go by id): each id with its time.</summary>
    private static async Task<Dictionary<Guid, DateTime>> SeedAsync(TestDatabase database)
    {
        var start = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var times = new[] { start, start.AddMinutes(1), start.AddMinutes(1), start.AddMinutes(1), start.AddMinutes(2), start.AddMinutes(3), start.AddMinutes(4) };
        var entries = times.Select(at => new AuditEntry { Id = Guid.NewGuid(), At = at, Action = "test.keyset" }).ToList();
        await using var db = await database.Factory.CreateDbContextAsync();
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync();
        return entries.ToDictionary(e => e.Id, e => e.At);
    }
}
