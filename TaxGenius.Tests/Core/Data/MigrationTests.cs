using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task An_upgrade_of_the_embedded_database_first_copies_the_file_and_leaves_the_copy_as_it_was()
    {
        // A SQLite file of the previous release: every migration but the last applied, and a row to recognize it by.
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        string last;
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var all = db.Database.GetMigrations().ToList();
            last = all[^1];
            await db.GetService<IMigrator>().MigrateAsync(all[^2]);
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"AspNetRoles\" (\"Id\", \"Name\", \"NormalizedName\") VALUES ('0199a7b0-0000-7000-8000-000000000001', 'Old', 'OLD')");
        }

        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var backup = $"{file}.before-{last}.bak";
        try
        {
            await using (var app = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database, extra: new Dictionary<string, string?> { ["Demo:Enabled"] = "false" }))
            {
                app.StartServer();
                await using var db = await database.Factory.CreateDbContextAsync();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            }

            Assert.True(File.Exists(backup), "No copy was made before the upgrade.");
            await using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False");
            await copy.OpenAsync();
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = $last";
            count.Parameters.AddWithValue("$last", last);
            Assert.Equal(0L, await count.ExecuteScalarAsync());
            count.CommandText = "SELECT \"Name\" FROM \"AspNetRoles\" WHERE \"NormalizedName\" = 'OLD'";
            Assert.Equal("Old", await count.ExecuteScalarAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();

            // The copy is in WAL mode like its source, and a read-only connection leaves its -wal and -shm behind.
            foreach (var path in new[] { backup, $"{backup}-wal", $"{backup}-shm" })
            {
                File.Delete(path);
            }
        }
    }
}
