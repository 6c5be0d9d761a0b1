using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Data;

/// <summary>The same data behaves the same on PostgreSQL (production) and SQLite (the embedded default).</summary>
public sealed class ModelRoundTripTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Money_round_trips_exactly_and_sums_and_sorts_as_numbers(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var referrer = await AddUserAsync(database, "referrer@example.test");
        // Amounts whose text order differs from their numeric order ("100.00" < "9.99" as text),
        // and cents that binary floating point cannot hold exactly.
        decimal[] amounts = [9.99m, 100.00m, 0.10m, 0.20m, 10.00m, 99_999_999.99m, 0.01m];
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Referrals.AddRange(amounts.Select((a, i) => new Referral { ReferrerId = referrer, ClientEmail = $"c{i}@example.test", Commission = a }));
            await db.SaveChangesAsync();
        }

        await using var read = await database.Factory.CreateDbContextAsync();
        var stored = await read.Referrals.Select(r => r.Commission).ToListAsync();
        Assert.Equal(amounts.Order(), stored.Order());

        var sorted = await read.Referrals.OrderBy(r => r.Commission).Select(r => r.Commission).ToListAsync();
        Assert.Equal([0.01m, 0.10m, 0.20m, 9.99m, 10.00m, 100.00m, 99_999_999.99m], sorted);

        var total = await read.Referrals.SumAsync(r => r.Commission);
        Assert.Equal(100_000_120.29m, total);

        var over10 = await read.Referrals.Where(r => r.Commission > 9.99m).CountAsync();
        Assert.Equal(3, over10);

        // Many small amounts: 1,000 × $0.10 is exactly $100.00 (a double sum would drift).
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Referrals.AddRange(Enumerable.Range(0, 1000).Select(i => new Referral { ReferrerId = referrer, ClientEmail = $"d{i}@example.test", Commission = 0.10m }));
            await db.SaveChangesAsync();
        }

        await using var again = await database.Factory.CreateDbContextAsync();
        Assert.Equal(100.00m, await again.Referrals.Where(r => r.ClientEmail.StartsWith("d")).SumAsync(r => r.Commission));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enums_are_stored_under_the_seed_names(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var user = await AddUserAsync(database, "client@example.test");
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            foreach (var type in Enum.GetValues<DocumentType>())
            {
                db.Documents.Add(NewDocument(user, type, DocumentStatus.Processing));
            }

            await db.SaveChangesAsync();
        }

        await using var read = await database.Factory.CreateDbContextAsync();
        var types = await RawStringsAsync(read, "SELECT \"Type\" FROM \"Documents\" ORDER BY \"Type\"");
        Assert.Equal(["FORM_1099", "ID", "OTHER", "TAX_RETURN", "W2"], types);
        Assert.All(await RawStringsAsync(read, "SELECT \"Status\" FROM \"Documents\""), s => Assert.Equal("PROCESSING", s));

        var loaded = await read.Documents.Where(d => d.Type == DocumentType.Form1099).SingleAsync();
        Assert.Equal(DocumentStatus.Processing, loaded.Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Timestamps_come_from_the_TimeProvider_in_UTC_and_sort_chronologically(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var user = await AddUserAsync(database, "client@example.test");

        // Steps that text comparison of a naive format would get wrong: sub-second, across midnight and a month boundary.
        TimeSpan[] steps = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(499), TimeSpan.FromHours(15), TimeSpan.FromDays(17), TimeSpan.FromTicks(1)];
        var expected = new List<DateTime>();
        foreach (var step in steps)
        {
            clock.Advance(step);
            await using var db = await database.Factory.CreateDbContextAsync();
            var document = NewDocument(user, DocumentType.W2, DocumentStatus.Pending);
            db.Documents.Add(document);
            await db.SaveChangesAsync();
            expected.Add(clock.GetUtcNow().UtcDateTime);
        }

        await using var read = await database.Factory.CreateDbContextAsync();
        var created = await read.Documents.OrderByDescending(d => d.CreatedAt).Select(d => d.CreatedAt).ToListAsync();
        Assert.Equal(expected.AsEnumerable().Reverse().Select(Micros), created.Select(Micros));
        Assert.All(created, c => Assert.Equal(DateTimeKind.Utc, c.Kind));

        var cutoff = expected[2];
        Assert.Equal(3, await read.Documents.CountAsync(d => d.CreatedAt >= cutoff.AddTicks(-10)));

        // An update moves UpdatedAt, never CreatedAt.
        var first = await read.Documents.OrderBy(d => d.CreatedAt).FirstAsync();
        var createdAt = first.CreatedAt;
        clock.Advance(TimeSpan.FromMinutes(5));
        first.Status = DocumentStatus.Processing;
        await read.SaveChangesAsync();

        await using var check = await database.Factory.CreateDbContextAsync();
        var updated = await check.Documents.SingleAsync(d => d.Id == first.Id);
        Assert.Equal(Micros(createdAt), Micros(updated.CreatedAt));
        Assert.Equal(Micros(clock.GetUtcNow().UtcDateTime), Micros(updated.UpdatedAt));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ids_are_version_7_and_follow_creation_order(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var user = await AddUserAsync(database, "client@example.test");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            await using var db = await database.Factory.CreateDbContextAsync();
            var document = NewDocument(user, DocumentType.Other, DocumentStatus.Pending);
            db.Documents.Add(document);
            await db.SaveChangesAsync();
            ids.Add(document.Id);
            await Task.Delay(2);
        }

        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.Equal(ids, ids.Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_user_removes_their_profile_and_documents(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var user = await AddUserAsync(database, "client@example.test");
        var other = await AddUserAsync(database, "other@example.test");
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Profiles.Add(new Profile { UserId = user, FirstName = "Casey", LastName = "Client", Zip = "94105" });
            db.Documents.AddRange(NewDocument(user, DocumentType.W2, DocumentStatus.Pending), NewDocument(other, DocumentType.W2, DocumentStatus.Pending));
            await db.SaveChangesAsync();
        }

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Users.Remove(await db.Users.SingleAsync(u => u.Id == user));
            await db.SaveChangesAsync();
        }

        await using var read = await database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await read.Profiles.CountAsync(p => p.UserId == user));
        Assert.Equal(0, await read.Documents.CountAsync(d => d.UserId == user));
        Assert.Equal(1, await read.Documents.CountAsync(d => d.UserId == other));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_user_has_at_most_one_profile(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var user = await AddUserAsync(database, "client@example.test");
        await using var db = await database.Factory.CreateDbContextAsync();
        db.Profiles.Add(new Profile { UserId = user, FirstName = "A", LastName = "B" });
        db.Profiles.Add(new Profile { UserId = user, FirstName = "C", LastName = "D" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    internal static Task<Guid> AddUserAsync(TestDatabase database, string email) => TestUsers.CreateAsync(database, email);

    private static Document NewDocument(Guid userId, DocumentType type, DocumentStatus status) => new()
    {
        UserId = userId,
        Type = type,
        Status = status,
        FileName = "file.pdf",
        FileSize = 1234,
        ContentType = "application/pdf",
        Sha256 = new string('0', 64),
        StorageKey = Guid.NewGuid().ToString("N"),
        TaxYear = 2025,
    };

    /// <summary>PostgreSQL keeps microseconds; compare at that precision.</summary>
    private static long Micros(DateTime value) => value.Ticks / 10;

    private static async Task<List<string>> RawStringsAsync(TaxGeniusDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
