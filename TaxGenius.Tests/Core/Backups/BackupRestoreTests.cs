using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Backups;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Backups;

/// <summary>
/// A backup of a running firm (PostgreSQL + S3 bucket, and the embedded SQLite + folder) restored into an empty database and an
/// empty store: the same rows and files, a client and a preparer sign in and open the same documents; no key is in the backup.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> owned = [];
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"tg_backup_{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(owned))
        {
            await item.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task PostgreSQL_and_the_bucket_back_up_and_restore_into_an_empty_stack_that_passes_a_smoke_journey()
    {
        var source = Own(TestStore.Create(StoreKind.S3));
        var settings = source.AppSettings();
        settings["Backup:PgBin"] = PrivatePostgres.Bin;
        var app = Own(await TaxGeniusAppFactory.CreateAsync(extra: settings));
        app.StartServer();
        var before = await FirmAsync(app);

        // Caught as a Hangfire server holds a lock (it takes one per recurring job each minute): CI once restored such a lock, and
        // the restored app timed out waiting for it at start.
        const string held = "hangfire:lock:recurring-job:email-dispatch";
        await ExecuteAsync(app.Database!.ConnectionString, $"INSERT INTO hangfire.lock (resource, acquired) VALUES ('{held}', now())");
        var backup = await app.Services.GetRequiredService<BackupService>().BackupAsync(folder);
        await ExecuteAsync(app.Database!.ConnectionString, $"DELETE FROM hangfire.lock WHERE resource = '{held}'");

        Assert.True(backup.Succeeded);
        Assert.Equal(before.Documents, backup.Objects);
        Assert.True(File.Exists(Path.Combine(folder, "database.dump")));
        AssertNoKeyIn(folder, source.MasterKey);

        // An empty stack: a new database, an empty bucket prefix (same master key, kept separately from the backup).
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        Own(database);
        var target = Own(TestStore.CreateWithKeysOf(StoreKind.S3, source));
        var restore = new BackupService(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString }),
            Options.Create(new BackupOptions { PgBin = PrivatePostgres.Bin }), target.Store, TimeProvider.System, NullLogger<BackupService>.Instance);

        var restored = await restore.RestoreAsync(folder);
        Assert.True(restored.Succeeded, restored.Error);
        Assert.Equal(0L, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM hangfire.lock"));
        Assert.Equal(before.Documents, restored.Objects);
        Assert.Equal(await source.KeysAsync(), await target.KeysAsync());

        // Restoring over a database that is no longer empty is refused, and changes nothing.
        Assert.Contains("not empty", (await restore.RestoreAsync(folder)).Error, StringComparison.Ordinal);

        var targetSettings = target.AppSettings();
        targetSettings["Demo:Enabled"] = "false";
        var restoredApp = Own(await TaxGeniusAppFactory.CreateAsync(extra: targetSettings, sharedDatabase: database));
        restoredApp.StartServer();
        Assert.Equal(before, await FirmAsync(restoredApp));
        await SmokeAsync(restoredApp, before);
    }

    [Fact]
    public async Task The_embedded_SQLite_database_and_folder_back_up_and_restore_into_a_new_data_folder()
    {
        var source = Own(TestStore.Create(StoreKind.Local));
        var app = Own(TaxGeniusAppFactory.CreateEmbedded(extra: source.AppSettings()));
        app.StartServer();
        var before = await FirmAsync(app);

        var backup = await app.Services.GetRequiredService<BackupService>().BackupAsync(folder);
        Assert.True(backup.Succeeded);
        Assert.Equal(before.Documents, backup.Objects);
        AssertNoKeyIn(folder, source.MasterKey);

        var dataPath = Path.Combine(Path.GetTempPath(), $"tg_data_{Guid.NewGuid():N}");
        var target = Own(TestStore.CreateWithKeysOf(StoreKind.Local, source));
        var restore = new BackupService(
            Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dataPath, "taxgenius.db")}" }),
            Options.Create(new BackupOptions()), target.Store, TimeProvider.System, NullLogger<BackupService>.Instance);
        var restored = await restore.RestoreAsync(folder);
        Assert.True(restored.Succeeded, restored.Error);

        var targetSettings = target.AppSettings();
        targetSettings["TaxGenius:DataPath"] = dataPath;
        var restoredApp = Own(TaxGeniusAppFactory.CreateEmbedded(extra: targetSettings));
        restoredApp.StartServer();
        Assert.Equal(before, await FirmAsync(restoredApp));
        await SmokeAsync(restoredApp, before);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private sealed record Firm(int Users, int Documents, int Engagements, int AuditEntries, string UploadedSha256);

    /// <summary>The counts that must survive, and the demo client's newest document's hash (uploaded here first, if none yet).</summary>
    private static async Task<Firm> FirmAsync(TaxGeniusAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var client = await db.Users.Where(u => u.Email == DemoAccounts.Client).Select(u => u.Id).SingleAsync();
        if (!await db.Documents.AnyAsync(d => d.UserId == client && d.FileName == "backup-check.pdf"))
        {
            using var api = await app.SignInForApiAsync(DemoAccounts.Client);
            using var upload = await api.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf("Backed up W-2")), "backup-check.pdf"));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        return new Firm(await db.Users.CountAsync(), await db.Documents.CountAsync(), await db.Engagements.CountAsync(), await db.AuditEntries.CountAsync(),
            await db.Documents.Where(d => d.FileName == "backup-check.pdf").Select(d => d.Sha256).SingleAsync());
    }

    /// <summary>A client downloads the document uploaded before the backup (same bytes); a preparer (password + authenticator) reaches the queue.</summary>
    private static async Task SmokeAsync(TaxGeniusAppFactory app, Firm before)
    {
        using var client = await app.SignInForApiAsync(DemoAccounts.Client);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/documents");
        var uploaded = list.EnumerateArray().Single(d => d.GetProperty("fileName").GetString() == "backup-check.pdf");
        var bytes = await client.GetByteArrayAsync($"/api/documents/{uploaded.GetProperty("id").GetGuid()}/content");
        Assert.Equal(SampleFiles.Pdf("Backed up W-2"), bytes);
        Assert.Equal(before.UploadedSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        using var preparer = await app.SignInAsync(DemoAccounts.Preparer);
        using var queue = await preparer.GetAsync("/preparer");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        using var staffContent = await preparer.GetAsync($"/api/staff/documents/{uploaded.GetProperty("id").GetGuid()}/content");
        Assert.Equal(HttpStatusCode.OK, staffContent.StatusCode);
        Assert.Equal(bytes, await staffContent.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Neither the storage master key nor the test SSN and Data Protection keys appear anywhere in the backup.</summary>
    private static void AssertNoKeyIn(string folder, string storageKey)
    {
        var secrets = new[] { storageKey, TaxGeniusAppFactory.TestStorageKey, TaxGeniusAppFactory.TestDataProtectionKey }
            .Concat(TaxGeniusAppFactory.TestSsnKeyRing.Where(kv => kv.Key.StartsWith("Ssn:Keys:", StringComparison.Ordinal)).Select(kv => kv.Value!))
            .ToList();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a key (base64).");
                Assert.True(bytes.AsSpan().IndexOf(Convert.FromBase64String(secret)) < 0, $"{Path.GetFileName(file)} holds a key (raw).");
            }
        }
    }

    private T Own<T>(T item) where T : IAsyncDisposable
    {
        owned.Add(item);
        return item;
    }
}
