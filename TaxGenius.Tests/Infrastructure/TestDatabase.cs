using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TaxGenius.Core.Data;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// A new, empty database on a real server: a PostgreSQL database created on the test cluster, or a SQLite file.
/// Dropped when disposed. Tests that must behave the same on both providers take a <see cref="DatabaseProvider"/> theory argument.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider? services;

    private TestDatabase(DatabaseProvider provider, string connectionString, string name, TimeProvider timeProvider)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
        var collection = new ServiceCollection();
        collection.AddSingleton(timeProvider);
        collection.AddTaxGeniusDatabase(new DatabaseOptions { Provider = provider, ConnectionString = connectionString, StrictQueries = true });
        services = collection.BuildServiceProvider();
        Factory = services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Postgres, DatabaseProvider.Sqlite];

    /// <summary>Both database providers with both document stores (a local folder and an S3 bucket).</summary>
    public static TheoryData<DatabaseProvider, StoreKind> ProvidersAndStores => new()
    {
        { DatabaseProvider.Postgres, StoreKind.Local },
        { DatabaseProvider.Postgres, StoreKind.S3 },
        { DatabaseProvider.Sqlite, StoreKind.Local },
        { DatabaseProvider.Sqlite, StoreKind.S3 },
    };

    public static TheoryData<StoreKind> Stores => [StoreKind.Local, StoreKind.S3];

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public string Name { get; }
    public IDbContextFactory<TaxGeniusDbContext> Factory { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, TimeProvider? timeProvider = null, bool migrate = true)
    {
        var name = $"tg_test_{Guid.NewGuid():N}";
        string connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            connectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name }.ConnectionString;
        }
        else
        {
            var path = Path.Combine(Path.GetTempPath(), name + ".db");
            connectionString = DatabaseServiceCollectionExtensions.SqliteConnectionString(path);
        }

        var database = new TestDatabase(provider, connectionString, name, timeProvider ?? TimeProvider.System);
        if (migrate)
        {
            await using var db = await database.Factory.CreateDbContextAsync();
            await db.Database.MigrateAsync();
        }

        return database;
    }

    /// <summary>A connection string for the app under test to use this database.</summary>
    public KeyValuePair<string, string?> AsAppSetting() => Provider switch
    {
        DatabaseProvider.Postgres => new("ConnectionStrings:Postgres", ConnectionString),
        _ => new("ConnectionStrings:Sqlite", ConnectionString),
    };

    public async ValueTask DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        else
        {
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
