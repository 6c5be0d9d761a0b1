using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;

namespace TaxGenius.Bench;

/// <summary>
/// The season board at a large firm: ENGAGEMENTS engagements in one tax year (and as many the year before), ITEMS request items,
/// 20 preparers. Times EngagementBoardService (the real code path) for the board and the list view under each filter, p50/p95 of
/// RUNS runs, against the naive load of every card of the year, side by side in one run.
/// </summary>
internal static class BoardLoad
{
    private const int Year = 2026;

    public static async Task<int> RunAsync(string connectionString, int engagements, int items, int runs)
    {
        var options = new DbContextOptionsBuilder<PostgresTaxGeniusDbContext>();
        DatabaseServiceCollectionExtensions.ConfigurePostgres(options, connectionString);
        IDbContextFactory<TaxGeniusDbContext> factory = new BaseFactory(new PooledDbContextFactory<PostgresTaxGeniusDbContext>(options.Options));
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var load = Stopwatch.StartNew();
        await LoadAsync(connection, engagements, items);
        Console.WriteLine($"  loaded {engagements:N0} engagements for {Year} (+{engagements:N0} for {Year - 1}) and {items:N0} request items in {load.Elapsed.TotalSeconds:0.0} s");

        var clock = new FixedClock(new DateTimeOffset(Year + 1, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var board = new EngagementBoardService(factory, clock);
        var preparer = Md5Guid("user" + (engagements + 2)); // preparer 2 of 20: n % 20 == 1, never one of the unassigned (n % 4 == 0)
        var deepCursor = await DeepCursorAsync();
        var cases = new (string Name, Func<Task<int>> Load)[]
        {
            ("board, everyone", async () => (await board.GetAsync(preparer, new BoardFilter { TaxYear = Year })).Cards.Count),
            ("board, mine", async () => (await board.GetAsync(preparer, new BoardFilter { TaxYear = Year, Assignee = BoardAssignee.Mine })).Cards.Count),
            ("board, unassigned", async () => (await board.GetAsync(preparer, new BoardFilter { TaxYear = Year, Assignee = BoardAssignee.Unassigned })).Cards.Count),
            ("board, overdue", async () => (await board.GetAsync(preparer, new BoardFilter { TaxYear = Year, OverdueOnly = true })).Cards.Count),
            ("board, search", async () => (await board.GetAsync(preparer, new BoardFilter { TaxYear = Year, Search = "Last42" })).Cards.Count),
            ("list, first page", async () => (await board.ListAsync(preparer, new BoardFilter { TaxYear = Year }, PageRequest.First())).Rows.Count),
            ("list, page 100", async () => (await board.ListAsync(preparer, new BoardFilter { TaxYear = Year }, new PageRequest(After: deepCursor))).Rows.Count),
            ("list, one stage", async () => (await board.ListAsync(preparer, new BoardFilter { TaxYear = Year, Stage = EngagementStage.DocumentsRequested }, PageRequest.First())).Rows.Count),
            ("naive: all cards", async () => (await board.ListAsync(preparer, new BoardFilter { TaxYear = Year }, PageRequest.First(engagements), maxSize: engagements)).Rows.Count),
        };

        Console.WriteLine($"  {runs} timed runs per case after warm-up; goal p95 <= 50 ms per board or list load");
        Console.WriteLine();
        Console.WriteLine($"  {"case",-18} {"rows",6} | {"p50",9} {"p95",9}");
        Console.WriteLine($"  {new string('-', 18)} {new string('-', 6)} | {new string('-', 19)}");
        var results = new List<(string Name, double P95)>();
        foreach (var (name, run) in cases)
        {
            var rows = await run();
            var times = await BenchStats.TimeAsync(name.StartsWith("naive", StringComparison.Ordinal) ? Math.Max(10, runs / 10) : runs, run);
            var (p50, p95) = (BenchStats.Percentile(times, 50), BenchStats.Percentile(times, 95));
            results.Add((name, p95));
            Console.WriteLine($"  {name,-18} {rows,6} | {p50,6:0.00} ms {p95,6:0.00} ms");
        }

        var worst = results.Where(r => !r.Name.StartsWith("naive", StringComparison.Ordinal)).MaxBy(r => r.P95);
        var naive = results.Single(r => r.Name.StartsWith("naive", StringComparison.Ordinal)).P95;
        Console.WriteLine();
        Console.WriteLine($"  slowest board/list load: {worst.Name} p95 {worst.P95:0.00} ms ({(worst.P95 <= 50 ? "within" : "OVER")} the 50 ms goal); " +
            $"board p95 vs loading every card: {naive / results[0].P95:0.0}x faster");
        return worst.P95 <= 50 ? 0 : 1;

        // The cursor 100 pages (of 50) into the list.
        async Task<PageCursor> DeepCursorAsync()
        {
            await using var command = new NpgsqlCommand($"""
                SELECT "StageChangedAt", "Id" FROM "Engagements" WHERE "TaxYear" = {Year} ORDER BY "StageChangedAt", "Id" OFFSET 4999 LIMIT 1
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new PageCursor(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetGuid(1));
        }
    }

    /// <summary>Clients with profiles, one engagement each per year over every stage, request items spread over this year's engagements.</summary>
    private static async Task LoadAsync(NpgsqlConnection connection, int engagements, int items)
    {
        var stages = string.Join(", ", EngagementStages.Board.Select(s => $"'{SeedEnumNames<EngagementStage>.ToName(s)}'"));
        var statuses = string.Join(", ", Enum.GetValues<RequestItemStatus>().Select(s => $"'{SeedEnumNames<RequestItemStatus>.ToName(s)}'"));
        var kinds = string.Join(", ", Enum.GetValues<RequestKind>().Select(k => $"'{SeedEnumNames<RequestKind>.ToName(k)}'"));
        var sql = $"""
            SET session_replication_role = replica;
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "SecurityStamp", "ConcurrencyStamp", "CreatedAt", "UpdatedAt")
            SELECT md5('user' || n)::uuid, e, upper(e), e, upper(e), true, false, false, true, 0, md5('s' || n), md5('c' || n), now(), now()
            FROM (SELECT n, CASE WHEN n <= {engagements} THEN 'client' || n || '@bench.test' ELSE 'preparer' || n || '@bench.test' END AS e
                  FROM generate_series(1, {engagements + 20}) AS n) u;
            INSERT INTO "Profiles" ("Id", "UserId", "FirstName", "LastName", "CreatedAt", "UpdatedAt")
            SELECT md5('profile' || n)::uuid, md5('user' || n)::uuid, 'First' || n, 'Last' || n, now(), now() FROM generate_series(1, {engagements}) AS n;
            INSERT INTO "Engagements" ("Id", "ClientId", "TaxYear", "Stage", "StageChangedAt", "PreparerId", "DueDate", "Priority", "RemindersPaused",
                "RequestedAt", "CreatedAt", "UpdatedAt")
            SELECT md5('engagement' || y || '-' || n)::uuid, md5('user' || n)::uuid, y,
                CASE WHEN y = {Year} THEN (ARRAY[{stages}])[1 + n % 10] ELSE 'DONE' END,
                timestamptz '{Year + 1}-01-05 00:00:00+00' + (n % 70) * interval '1 day' + (n % 997) * interval '1 minute',
                CASE WHEN n % 4 = 0 THEN NULL ELSE md5('user' || ({engagements} + 1 + n % 20))::uuid END,
                make_date(y + 1, 4, 15) - (CASE WHEN n % 9 = 0 THEN 60 ELSE 0 END), 'NORMAL', false,
                timestamptz '{Year + 1}-01-05 00:00:00+00', now(), now()
            FROM generate_series(1, {engagements}) AS n, (VALUES ({Year}), ({Year - 1})) AS years(y);
            INSERT INTO "RequestItems" ("Id", "EngagementId", "Kind", "Description", "Required", "SortOrder", "Status", "CreatedAt", "UpdatedAt")
            SELECT gen_random_uuid(), md5('engagement' || {Year} || '-' || (1 + n % {engagements}))::uuid, (ARRAY[{kinds}])[1 + n % 12],
                'Item ' || n, n % 5 <> 0, n / {engagements}, (ARRAY[{statuses}])[1 + n % 4], now(), now()
            FROM generate_series(0, {items - 1}) AS n;
            SET session_replication_role = origin;
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync();
        }

        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync();
    }

    private static Guid Md5Guid(string text) => new(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
