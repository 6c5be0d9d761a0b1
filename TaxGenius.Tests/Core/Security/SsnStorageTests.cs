using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Security;

/// <summary>What reaches the database: only the envelope, on both providers, and nothing a database dump would give away.</summary>
public sealed class SsnStorageTests
{
    private const string Ssn = "219-09-9999";
    private static readonly SsnProtector Protector = SsnProtectorTests.Protector("k1", ("k1", MasterKeys.NewKey()));

    internal static async Task<Guid> AddUserAsync(TestDatabase database, string? envelope = null)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var email = $"{Guid.NewGuid():N}@example.test";
        var user = new ApplicationUser { UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(), SsnEncrypted = envelope };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Saves_encrypted_and_reads_back_only_masked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new SsnService(database.Factory, Protector, NullLogger<SsnService>.Instance);
        var user = await AddUserAsync(database);
        var other = await AddUserAsync(database);

        Assert.Null(await service.GetMaskedAsync(user));
        var result = await service.SetAsync(user, "219099999");

        Assert.True(result.Succeeded);
        Assert.Equal("***-**-9999", result.Masked);
        Assert.Equal("***-**-9999", await service.GetMaskedAsync(user));
        Assert.Null(await service.GetMaskedAsync(other));

        var stored = await RawColumnAsync(database, user);
        Assert.StartsWith("v1:k1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Ssn, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Ssn.Replace("-", "", StringComparison.Ordinal), stored, StringComparison.Ordinal);
        Assert.Equal(Ssn, Protector.Unprotect(user, stored!));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_invalid_number_is_refused_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new SsnService(database.Factory, Protector, NullLogger<SsnService>.Instance);
        var user = await AddUserAsync(database);

        var result = await service.SetAsync(user, "666-12-3456");

        Assert.Equal(SsnValidator.Area666, result.Error);
        Assert.Null(await RawColumnAsync(database, user));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_envelope_copied_into_another_users_row_does_not_decrypt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new SsnService(database.Factory, Protector, NullLogger<SsnService>.Instance);
        var victim = await AddUserAsync(database);
        await service.SetAsync(victim, Ssn);
        var attacker = await AddUserAsync(database, await RawColumnAsync(database, victim));

        await Assert.ThrowsAsync<SsnDecryptionException>(() => service.GetMaskedAsync(attacker));
    }

    [Fact]
    public async Task A_pg_dump_of_the_database_contains_neither_form_of_the_number()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var service = new SsnService(database.Factory, Protector, NullLogger<SsnService>.Instance);
        var user = await AddUserAsync(database);
        await service.SetAsync(user, Ssn);

        var dump = await PgDump.DataAsync(database.ConnectionString);

        Assert.Contains(user.ToString(), dump, StringComparison.Ordinal); // the row is in the dump
        Assert.Contains("v1:k1:", dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Ssn, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Ssn.Replace("-", "", StringComparison.Ordinal), dump, StringComparison.Ordinal);
    }

    internal static async Task<string?> RawColumnAsync(TestDatabase database, Guid userId)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SsnEncrypted).SingleAsync();
    }
}
