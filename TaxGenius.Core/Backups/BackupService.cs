using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TaxGenius.Core.Data;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Backups;

/// <summary>Settings under <c>Backup</c>.</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>The folder of pg_dump and pg_restore (version ≥ the server's); empty means they are on the PATH.</summary>
    public string? PgBin { get; set; }
}

/// <summary>What a backup holds: written as manifest.json next to the database and the objects.</summary>
public sealed record BackupManifest(int Format, DateTime CreatedUtc, DatabaseProvider Provider, string DatabaseFile, int Objects, long ObjectBytes,
    string StorageBackend, string Note);

public sealed record BackupResult(string Folder, int Objects, long ObjectBytes, IReadOnlyList<string> Missing)
{
    public bool Succeeded => Missing.Count == 0;
}

public sealed record RestoreResult(int Objects, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// A consistent backup of the firm: the database (PostgreSQL: pg_dump of an exported snapshot; SQLite: the online backup API)
/// and, from the same snapshot, the list of every stored file the database points at, whose encrypted bytes are copied as they
/// are (ciphertext, under their storage keys). Never a master key: <c>Storage:MasterKeys</c>, <c>Ssn:Keys</c> and
/// <c>DataProtection:Keys</c> are backed up separately, and a backup is useless without them. A file deleted between the
/// snapshot and its copy fails the backup (run it again) rather than leaving a row without its file.
/// <para>Restore goes into an empty database and any store (another bucket, another folder): the database first, then every
/// file, each checked against the SHA-256 recorded at backup.</para>
/// </summary>
public sealed class BackupService(
    IOptions<DatabaseOptions> database,
    IOptions<BackupOptions> options,
    EncryptedFileStore store,
    TimeProvider timeProvider,
    ILogger<BackupService> logger)
{
    private const string PgDumpFile = "database.dump";
    private const string SqliteFile = "taxgenius.db";
    private const string ObjectsFolder = "objects";
    private const string ChecksumsFile = "objects.sha256";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Tables whose rows point at stored files (kept in sync with the sweeper's notion of a known file).</summary>
    private const string ReferencedKeysSql =
        """SELECT "StorageKey" FROM "Documents" UNION SELECT "OriginalStorageKey" FROM "SignatureRequests" """;

    public async Task<BackupResult> BackupAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new InvalidOperationException($"The backup folder {folder} is not empty.");
        }

        Directory.CreateDirectory(Path.Combine(folder, ObjectsFolder));
        var provider = database.Value.Provider;
        IReadOnlyList<string> keys;
        string databaseFile;
        if (provider == DatabaseProvider.Postgres)
        {
            databaseFile = PgDumpFile;
            keys = await DumpPostgresAsync(Path.Combine(folder, PgDumpFile), cancellationToken);
        }
        else
        {
            databaseFile = SqliteFile;
            keys = await CopySqliteAsync(Path.Combine(folder, SqliteFile), cancellationToken);
        }

        var missing = new List<string>();
        long bytes = 0;
        await using (var checksums = new StreamWriter(Path.Combine(folder, ChecksumsFile)))
        {
            foreach (var key in keys)
            {
                try
                {
                    await using var source = await store.Blobs.OpenReadAsync(key, cancellationToken);
                    var path = Path.Combine(folder, ObjectsFolder, key + ".tgf");
                    await using var target = File.Create(path);
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[256 * 1024];
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        bytes += read;
                    }

                    await checksums.WriteLineAsync($"{Convert.ToHexStringLower(hash.GetHashAndReset())}  {key}");
                }
                catch (BlobNotFoundException)
                {
                    missing.Add(key);
                }
            }
        }

        var manifest = new BackupManifest(1, timeProvider.GetUtcNow().UtcDateTime, provider, databaseFile, keys.Count - missing.Count, bytes,
            store.Blobs.Description,
            "No key is in this backup: restore needs the same Storage:MasterKeys, Ssn:Keys and DataProtection:Keys, kept separately.");
        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, Json), cancellationToken);
        BackupsLog.BackedUp(logger, keys.Count - missing.Count, bytes, missing.Count);
        return new BackupResult(folder, keys.Count - missing.Count, bytes, missing);
    }

    public async Task<RestoreResult> RestoreAsync(string folder, CancellationToken cancellationToken = default)
    {
        var manifestPath = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            return new RestoreResult(0, $"{folder} has no manifest.json: not a TaxGenius backup.");
        }

        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken))!;
        if (manifest.Provider != database.Value.Provider)
        {
            return new RestoreResult(0, $"The backup is of a {manifest.Provider} database; this installation uses {database.Value.Provider}.");
        }

        // Every file is checked before anything is written.
        var expected = (await File.ReadAllLinesAsync(Path.Combine(folder, ChecksumsFile), cancellationToken))
            .Where(l => l.Length > 0).Select(l => l.Split("  ", 2)).ToDictionary(p => p[1], p => p[0]);
        foreach (var (key, sha) in expected)
        {
            await using var file = File.OpenRead(Path.Combine(folder, ObjectsFolder, key + ".tgf"));
            if (Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken)) != sha)
            {
                return new RestoreResult(0, $"The stored file {key} in the backup is damaged (its SHA-256 does not match).");
            }
        }

        var error = manifest.Provider == DatabaseProvider.Postgres
            ? await RestorePostgresAsync(Path.Combine(folder, manifest.DatabaseFile), cancellationToken)
            : RestoreSqlite(Path.Combine(folder, manifest.DatabaseFile));
        if (error is not null)
        {
            return new RestoreResult(0, error);
        }

        foreach (var key in expected.Keys)
        {
            await using var source = File.OpenRead(Path.Combine(folder, ObjectsFolder, key + ".tgf"));
            await using var writer = await store.Blobs.CreateAsync(key, cancellationToken);
            await writer.WriteAllAsync(source, cancellationToken);
            await writer.CommitAsync(cancellationToken);
        }

        BackupsLog.Restored(logger, expected.Count);
        return new RestoreResult(expected.Count, null);
    }

    private async Task<IReadOnlyList<string>> DumpPostgresAsync(string file, CancellationToken cancellationToken)
    {
        // One snapshot for both: the dump and the list of files it points at see exactly the same rows.
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        }

        var keys = new List<string>();
        await using (var select = new NpgsqlCommand(ReferencedKeysSql, connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }

        // Hangfire's locks belong to the servers running now, not to the firm's data (see ClearJobLocksAsync).
        await RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", $"--snapshot={snapshot}", $"--exclude-table-data={JobLocksTable}",
            $"--file={file}"], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return keys;
    }

    private async Task<string?> RestorePostgresAsync(string file, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(database.Value.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var count = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                return "The database is not empty: restore only into a new, empty database (create one, point ConnectionStrings:Postgres at it).";
            }
        }

        await RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", file], cancellationToken);
        await ClearJobLocksAsync(cancellationToken);
        return null;
    }

    /// <summary>Hangfire's lock table: one row per lock a running server holds.</summary>
    private const string JobLocksTable = Email.JobQueues.Schema + ".lock";

    /// <summary>
    /// A backup made while a Hangfire server held a lock (it takes one on each recurring job as it schedules it, every minute) held
    /// that lock once restored, and the restored app waited for it at start until it gave up: it did not start for the lock's ten
    /// minutes. Backups leave the table's rows out; a restore of an older backup empties it here.
    /// </summary>
    private async Task ClearJobLocksAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var clear = new NpgsqlCommand(
            $"DO $$ BEGIN IF to_regclass('{JobLocksTable}') IS NOT NULL THEN DELETE FROM {JobLocksTable}; END IF; END $$", connection);
        await clear.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<string>> CopySqliteAsync(string file, CancellationToken cancellationToken)
    {
        await using (var source = new SqliteConnection(database.Value.ConnectionString))
        await using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            await source.OpenAsync(cancellationToken);
            await target.OpenAsync(cancellationToken);
            source.BackupDatabase(target);
        }

        // The copy is the snapshot: its rows name the files to copy.
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await copy.OpenAsync(cancellationToken);
        await using var select = copy.CreateCommand();
        select.CommandText = ReferencedKeysSql;
        var keys = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private string? RestoreSqlite(string file)
    {
        var target = new SqliteConnectionStringBuilder(database.Value.ConnectionString).DataSource;
        if (File.Exists(target) && new FileInfo(target).Length > 0)
        {
            return $"The database file {target} already exists: restore only into a new data folder.";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        File.Copy(file, target);
        return null;
    }

    /// <summary>Runs pg_dump or pg_restore against the configured database; the password goes through the environment, never the command line.</summary>
    private async Task RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString);
        var path = string.IsNullOrEmpty(options.Value.PgBin) ? tool : Path.Combine(options.Value.PgBin, tool);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     $"--host={connection.Host}", $"--port={connection.Port.ToString(CultureInfo.InvariantCulture)}",
                     $"--username={connection.Username}", $"--dbname={connection.Database}",
                 }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(connection.Password))
        {
            start.Environment["PGPASSWORD"] = connection.Password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {(await errors).Trim()}");
        }
    }
}
