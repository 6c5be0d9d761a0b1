using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;

namespace TaxGenius.Bench;

/// <summary>
/// The review queue at 1M documents: ReviewQueueService's keyset page (the real code path) against the same page with
/// OFFSET, at several depths, in one run; then EXPLAIN (ANALYZE, BUFFERS) of the keyset query at the deepest depth.
/// </summary>
internal static class QueueKeyset
{
    private const int PageSize = 50;

    public static async Task<int> RunAsync(string connectionString, int documents, int clients, int runs)
    {
        var capture = new CommandCapture();
        var options = new DbContextOptionsBuilder<PostgresTaxGeniusDbContext>();
        DatabaseServiceCollectionExtensions.ConfigurePostgres(options, connectionString).AddInterceptors(capture);
        // The app's factory is pooled too (AddPooledDbContextFactory); the interceptor only records the SQL for EXPLAIN.
        IDbContextFactory<TaxGeniusDbContext> factory = new BaseFactory(new PooledDbContextFactory<PostgresTaxGeniusDbContext>(options.Options));
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var load = Stopwatch.StartNew();
        await LoadAsync(connection, documents, clients);
        Console.WriteLine($"  loaded {documents:N0} documents for {clients:N0} clients in {load.Elapsed.TotalSeconds:0.0} s (indexes rebuilt, VACUUM ANALYZE)");

        var service = new ReviewQueueService(factory);
        var me = Guid.NewGuid();
        var open = new QueueFilter();
        var all = new QueueFilter { Statuses = Enum.GetValues<DocumentStatus>().ToHashSet() };
        var openCount = await ScalarAsync<long>(connection, "SELECT count(*) FROM \"Documents\" WHERE \"Status\" IN ('PENDING', 'PROCESSING')");
        Console.WriteLine($"  open queue (PENDING + PROCESSING): {openCount:N0} rows; all statuses: {documents:N0} rows; page size {PageSize}; {runs} timed runs per cell after warm-up");
        Console.WriteLine();

        var cases = new List<(string Queue, QueueFilter Filter, long Depth)>();
        foreach (var depth in new long[] { 0, 10_000, 100_000 }.Where(d => d < openCount - PageSize).Append(openCount - PageSize))
        {
            cases.Add(("open (default)", open, depth));
        }

        foreach (var depth in new long[] { 0, 10_000, 100_000, 990_000 }.Where(d => d < documents))
        {
            cases.Add(("all statuses", all, depth));
        }

        Console.WriteLine($"  {"queue",-15} {"depth",9} | {"keyset p50",10} {"keyset p95",10} | {"OFFSET p50",10} {"OFFSET p95",10} | {"p95 ratio",9}");
        Console.WriteLine($"  {new string('-', 15)} {new string('-', 9)} | {new string('-', 21)} | {new string('-', 21)} | {new string('-', 9)}");
        var results = new List<(string Queue, long Depth, double K50, double K95, double O50, double O95)>();
        foreach (var (queue, filter, depth) in cases)
        {
            PageCursor? cursor = depth == 0 ? null : await CursorAtAsync(connection, filter, depth);
            var keysetRows = (await service.GetPageAsync(me, filter, after: cursor, pageSize: PageSize)).Rows.Select(r => r.Id).ToList();
            var offsetRows = await OffsetPageAsync(factory, filter, depth);
            if (!keysetRows.SequenceEqual(offsetRows))
            {
                Console.Error.WriteLine($"The keyset and OFFSET pages differ at {queue} depth {depth}.");
                return 1;
            }

            var keyset = await BenchStats.TimeAsync(runs, () => service.GetPageAsync(me, filter, after: cursor, pageSize: PageSize));
            var offset = await BenchStats.TimeAsync(runs, () => OffsetPageAsync(factory, filter, depth));
            var (k50, k95, o50, o95) = (BenchStats.Percentile(keyset, 50), BenchStats.Percentile(keyset, 95), BenchStats.Percentile(offset, 50), BenchStats.Percentile(offset, 95));
            results.Add((queue, depth, k50, k95, o50, o95));
            Console.WriteLine($"  {queue,-15} {depth,9:N0} | {k50,7:0.00} ms {k95,7:0.00} ms | {o50,7:0.00} ms {o95,7:0.00} ms | {o95 / k95,8:0}x");
        }

        Console.WriteLine();
        foreach (var group in results.GroupBy(r => r.Queue))
        {
            var deepest = group.MaxBy(r => r.Depth);
            Console.WriteLine($"  {group.Key}: deepest page ({deepest.Depth:N0}) keyset p95 {deepest.K95:0.00} ms vs OFFSET p95 {deepest.O95:0.00} ms = {deepest.O95 / deepest.K95:0}x faster; " +
                $"keyset p95 at every depth <= {group.Max(r => r.K95):0.00} ms");
        }

        // The plan of the default queue's deepest keyset page, with the SQL EF sent and its parameters.
        var deepestOpen = await CursorAtAsync(connection, open, openCount - PageSize);
        capture.Last = null;
        await service.GetPageAsync(me, open, after: deepestOpen, pageSize: PageSize);
        var sent = capture.Last ?? throw new InvalidOperationException("No command captured.");
        Console.WriteLine();
        Console.WriteLine("  Keyset SQL (as EF sends it):");
        Console.WriteLine(Indent(sent.CommandText, "    "));
        Console.WriteLine("  EXPLAIN (ANALYZE, BUFFERS) at the deepest open-queue page:");
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sent.CommandText, connection))
        {
            foreach (var parameter in sent.Parameters)
            {
                explain.Parameters.Add(parameter.Clone());
            }

            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine("    " + reader.GetString(0));
            }
        }

        return 0;
    }

    /// <summary>100,000 clients (with profiles), 20 preparers, 1M documents over a year: 30% PENDING, 20% PROCESSING, 45% COMPLETED, 5% REJECTED.</summary>
    private static async Task LoadAsync(NpgsqlConnection connection, int documents, int clients)
    {
        var types = string.Join(", ", Enum.GetValues<DocumentType>().Select(t => $"'{SeedEnumNames<DocumentType>.ToName(t)}'"));
        var indexes = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Documents' AND indexname NOT LIKE 'PK_%'", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        // Building the secondary indexes once after the load is much faster than maintaining them for each of 1M inserts;
        // foreign keys are not checked row by row (replica mode): the rows are consistent by construction.
        var sql = $"""
            SET maintenance_work_mem = '256MB';
            SET session_replication_role = replica;
            {string.Concat(indexes.Select(i => $"DROP INDEX \"{i.Name}\";\n"))}
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "SecurityStamp", "ConcurrencyStamp", "CreatedAt", "UpdatedAt")
            SELECT md5('user' || n)::uuid, e, upper(e), e, upper(e), true, false, false, true, 0, md5('s' || n), md5('c' || n), now(), now()
            FROM (SELECT n, CASE WHEN n <= {clients} THEN 'client' || n || '@bench.test' ELSE 'preparer' || n || '@bench.test' END AS e
                  FROM generate_series(1, {clients + 20}) AS n) u;
            INSERT INTO "Profiles" ("Id", "UserId", "FirstName", "LastName", "CreatedAt", "UpdatedAt")
            SELECT md5('profile' || n)::uuid, md5('user' || n)::uuid, 'First' || n, 'Last' || n, now(), now() FROM generate_series(1, {clients}) AS n;
            INSERT INTO "Documents" ("Id", "UserId", "Type", "FileName", "FileSize", "ContentType", "Sha256", "StorageKey", "Status", "TaxYear",
                "AssignedToId", "AssignedAt", "CreatedAt", "UpdatedAt")
            SELECT gen_random_uuid(), md5('user' || (1 + n % {clients}))::uuid, (ARRAY[{types}])[1 + n % 5], 'document-' || n || '.pdf',
                10000 + n % 5000000, 'application/pdf', md5(n::text) || md5(n::text), md5('key' || n),
                s, 2024 + n % 2,
                CASE WHEN s = 'PENDING' THEN NULL ELSE md5('user' || ({clients} + 1 + n % 20))::uuid END,
                CASE WHEN s = 'PENDING' THEN NULL ELSE c + interval '1 hour' END,
                c, c
            FROM (SELECT n, date_trunc('second', timestamptz '2025-11-24 00:00:00+00' + random() * interval '365 days') AS c,
                         CASE WHEN r < 0.30 THEN 'PENDING' WHEN r < 0.50 THEN 'PROCESSING' WHEN r < 0.95 THEN 'COMPLETED' ELSE 'REJECTED' END AS s
                  FROM (SELECT n, random() AS r FROM generate_series(1, {documents}) AS n) g) d;
            SET session_replication_role = origin;
            {string.Join(";\n", indexes.Select(i => i.Definition))};
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync();
        }

        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>The (CreatedAt, Id) of the row at <paramref name="depth"/> in the queue's order: the next page starts after it.</summary>
    private static async Task<PageCursor> CursorAtAsync(NpgsqlConnection connection, QueueFilter filter, long depth)
    {
        var where = filter.Statuses.Count == Enum.GetValues<DocumentStatus>().Length ? "" : "WHERE \"Status\" IN ('PENDING', 'PROCESSING')";
        await using var command = new NpgsqlCommand($"SELECT \"CreatedAt\", \"Id\" FROM \"Documents\" {where} ORDER BY \"CreatedAt\", \"Id\" OFFSET {depth - 1} LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PageCursor(reader.GetDateTime(0), reader.GetGuid(1));
    }

    /// <summary>The baseline: the same page (filter, order, projection) reached with OFFSET.</summary>
    private static async Task<List<Guid>> OffsetPageAsync(IDbContextFactory<TaxGeniusDbContext> factory, QueueFilter filter, long depth)
    {
        await using var db = await factory.CreateDbContextAsync();
        var query = db.Documents.AsNoTracking();
        if (filter.Statuses.Count < Enum.GetValues<DocumentStatus>().Length)
        {
            query = query.Where(d => d.Status == DocumentStatus.Pending || d.Status == DocumentStatus.Processing);
        }

        var rows = await query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Skip((int)depth).Take(PageSize + 1)
            .Select(d => new
            {
                d.Id,
                Name = d.User!.Profile != null ? d.User.Profile.FirstName + " " + d.User.Profile.LastName : d.User.Email ?? "",
                Email = d.User.Email ?? "",
                d.Type, d.TaxYear, d.FileName, d.FileSize, d.Status, d.AssignedToId,
                Assignee = d.AssignedTo != null ? d.AssignedTo.Email : null,
                d.CreatedAt, d.Version,
            })
            .ToListAsync();
        return rows.Take(PageSize).Select(r => r.Id).ToList();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string Indent(string text, string prefix) => string.Join('\n', text.Split('\n').Select(l => prefix + l));

    private sealed record Captured(string CommandText, List<NpgsqlParameter> Parameters);

    /// <summary>Keeps the last SELECT EF sent, with its parameters, to EXPLAIN it exactly.</summary>
    private sealed class CommandCapture : DbCommandInterceptor
    {
        public Captured? Last { get; set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Last = new Captured(command.CommandText, command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToList());
            return ValueTask.FromResult(result);
        }
    }
}
