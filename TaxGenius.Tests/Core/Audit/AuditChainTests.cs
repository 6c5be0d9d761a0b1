using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Audit;

/// <summary>The audit log's hash chain on both providers: sealed in order, intact when untouched, and broken exactly where it was tampered with.</summary>
public sealed class AuditChainTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static readonly SecretProtector Protector = new(Options.Create(new DataProtectionKeyOptions
    {
        Keys = { ["audit-test"] = MasterKeys.NewKey() },
        ActiveKeyId = "audit-test",
    }));

    private AuditChain ChainOver(TestDatabase database) =>
        new(database.Factory, Protector, new AuditLog(database.Factory, clock), clock, NullLogger<AuditChain>.Instance);

    private async Task<List<Guid>> WriteEntriesAsync(TestDatabase database, int count)
    {
        var audit = new AuditLog(database.Factory, clock);
        var actor = new AuditActor(Guid.NewGuid(), "preparer@example.test", "203.0.113.9");
        for (var i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await audit.WriteAsync(actor, AuditActions.DocumentViewed, "Document", Guid.NewGuid(), Guid.NewGuid(), $"entry {i}");
        }

        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.AuditEntries.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Id).ToListAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_untouched_log_verifies_intact_and_the_check_is_itself_audited(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var chain = ChainOver(database);
        await WriteEntriesAsync(database, 5);

        Assert.Equal(5, await chain.SealAsync());
        Assert.Equal(0, await chain.SealAsync());
        var report = await chain.VerifyAsync();

        Assert.True(report.Intact, report.Summary);
        Assert.Equal(5, report.Links);
        Assert.StartsWith("tgh1:audit-test:", report.HeadHash);
        var last = await chain.LastVerificationAsync();
        Assert.NotNull(last);
        Assert.StartsWith("Intact: 5 links", last.Value.Result);

        // The verification's own entry is sealed next, and the chain still verifies.
        clock.Advance(TimeSpan.FromMinutes(1));
        var again = await chain.VerifyAsync();
        Assert.True(again.Intact, again.Summary);
        Assert.Equal(6, again.Links);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Changing_one_entry_is_reported_at_that_entry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var chain = ChainOver(database);
        var ids = await WriteEntriesAsync(database, 5);
        await chain.SealAsync();

        // What someone with the database's password could do: switch the append-only trigger off and edit a row.
        await TamperAsync(database, $"UPDATE \"AuditEntries\" SET \"Detail\" = 'nothing to see' WHERE \"Id\" = '{Literal(database, ids[2])}'");
        var report = await chain.VerifyAsync();

        Assert.False(report.Intact);
        Assert.Equal(3, report.FirstBreak!.Sequence);
        Assert.Equal(ids[2], report.FirstBreak.EntryId);
        Assert.Contains("changed after it was recorded", report.FirstBreak.Reason);
        Assert.Equal(2, report.Links);
        Assert.StartsWith("Broken at link 3", (await chain.LastVerificationAsync())!.Value.Result);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_an_entry_or_a_link_is_reported_where_it_was(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var chain = ChainOver(database);
        var ids = await WriteEntriesAsync(database, 6);
        await chain.SealAsync();

        await TamperAsync(database, $"DELETE FROM \"AuditEntries\" WHERE \"Id\" = '{Literal(database, ids[4])}'");
        var deleted = await chain.VerifyAsync();
        Assert.Equal(5, deleted.FirstBreak!.Sequence);
        Assert.Contains("was deleted", deleted.FirstBreak.Reason);

        await TamperAsync(database, "DELETE FROM \"AuditChainLinks\" WHERE \"Sequence\" = 2");
        var unlinked = await chain.VerifyAsync();
        Assert.Equal(2, unlinked.FirstBreak!.Sequence);
        Assert.Contains("missing", unlinked.FirstBreak.Reason);
    }

    [Theory]
    [InlineData(1, 1, "1 link intact, but 1 entry is older than 10 minutes and not in the chain (inserted back-dated?).")]
    [InlineData(3, 2, "3 links intact, but 2 entries are older than 10 minutes and not in the chain (inserted back-dated?).")]
    public void The_summary_of_entries_left_out_of_the_chain_counts_them_as_a_person_writes(long links, long unsealed, string summary) =>
        Assert.Equal(summary, new AuditChainReport(links, unsealed, null, "tgh1:audit-test:00", DateTime.UnixEpoch).Summary);

    [Fact]
    public async Task The_database_refuses_to_change_links_and_the_context_refuses_too()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, clock);
        var chain = ChainOver(database);
        await WriteEntriesAsync(database, 1);
        await chain.SealAsync();

        await using var db = await database.Factory.CreateDbContextAsync();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditChainLinks\" SET \"Hash\" = 'x'"));
        var link = await db.AuditChainLinks.SingleAsync();
        link.Hash = "tgh1:audit-test:00";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Two_replicas_sealing_at_once_build_one_chain()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, clock);
        await WriteEntriesAsync(database, 40);
        // Two sealers stand for two replicas: the advisory lock lets one at a time extend the chain, so no link is written twice.
        var first = ChainOver(database);
        var second = new AuditChain(database.Factory, Protector, new AuditLog(database.Factory, clock), clock, NullLogger<AuditChain>.Instance);
        var sealedCounts = await Task.WhenAll(first.SealAsync(), second.SealAsync());

        Assert.Equal(40, sealedCounts.Sum());
        var report = await first.VerifyAsync();
        Assert.True(report.Intact, report.Summary);
        Assert.Equal(40, report.Links);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_back_dated_entry_is_not_sealed_into_the_chain_but_reported(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var chain = ChainOver(database);
        await WriteEntriesAsync(database, 3);
        await chain.SealAsync();

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.AuditEntries.Add(new AuditEntry { Action = AuditActions.DocumentViewed, At = clock.GetUtcNow().UtcDateTime.AddDays(-3), Detail = "slipped in" });
            await db.SaveChangesAsync();
        }

        var report = await chain.VerifyAsync();
        Assert.False(report.Intact);
        Assert.Null(report.FirstBreak);
        Assert.Equal(1, report.Unsealed);
        Assert.Contains("not in the chain", report.Summary);
    }

    private static string Literal(TestDatabase database, Guid id) =>
        database.Provider == DatabaseProvider.Sqlite ? id.ToString().ToUpperInvariant() : id.ToString();

    private static async Task TamperAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var links = sql.Contains("AuditChainLinks", StringComparison.Ordinal);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var (table, trigger) = links ? ("AuditChainLinks", "audit_chain_links_append_only") : ("AuditEntries", "audit_entries_append_only");
            sql = $"ALTER TABLE \"{table}\" DISABLE TRIGGER {trigger}; {sql}; ALTER TABLE \"{table}\" ENABLE TRIGGER {trigger};";
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync(links
                ? "DROP TRIGGER IF EXISTS audit_chain_links_no_update; DROP TRIGGER IF EXISTS audit_chain_links_no_delete;"
                : "DROP TRIGGER IF EXISTS audit_entries_no_update; DROP TRIGGER IF EXISTS audit_entries_no_delete;");
        }

        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(sql));
    }
}
