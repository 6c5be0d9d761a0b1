using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Data;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrations_apply_from_an_empty_database_and_match_the_model(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var db = await database.Factory.CreateDbContextAsync();

        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all, await db.Database.GetPendingMigrationsAsync());

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        // The migrations describe the current model: nobody changed an entity without adding a migration.
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes that no migration captures.");
        Assert.Equal(0, await db.Documents.CountAsync());
    }

    [Fact]
    public async Task Each_provider_has_its_own_migrations()
    {
        await using var postgres = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var pg = await postgres.Factory.CreateDbContextAsync();
        await using var lite = await sqlite.Factory.CreateDbContextAsync();

        Assert.IsType<PostgresTaxGeniusDbContext>(pg);
        Assert.IsType<SqliteTaxGeniusDbContext>(lite);
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", pg.Database.ProviderName);
        Assert.Equal("Microsoft.EntityFrameworkCore.Sqlite", lite.Database.ProviderName);
        Assert.Contains("numeric(10,2)", pg.Database.GenerateCreateScript(), StringComparison.Ordinal);
        Assert.Contains("\"Commission\" INTEGER", lite.Database.GenerateCreateScript(), StringComparison.Ordinal);
    }
}
