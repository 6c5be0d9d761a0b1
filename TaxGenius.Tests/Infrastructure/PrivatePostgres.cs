using System.Diagnostics;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (not the shared one), for restarting or stopping it under a running app. Started with
/// pg_ctl as the postgres user (the server refuses to run as root); stopped "fast", as an operator's restart does, so open
/// connections get 57P01 (admin shutdown) like they do in production.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string root;
    private readonly string data;

    private PrivatePostgres()
    {
        root = Directory.CreateTempSubdirectory("tg_pg_").FullName;
        data = Path.Combine(root, "data");
        Port = ServerProcess.FreePort();
    }

    public int Port { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Include Error Detail=true;Timeout=5;Command Timeout=15";

    public static async Task<PrivatePostgres> StartNewAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The tests run PostgreSQL on Linux.");
        }

        var server = new PrivatePostgres();
        File.SetUnixFileMode(server.root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Directory.CreateDirectory(server.data);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", server.data);
        }

        File.SetUnixFileMode(server.data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await server.PgAsync("initdb", "-D", server.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale");
        await server.StartAsync();
        return server;
    }

    public Task StartAsync() => PgAsync("pg_ctl", "-D", data, "-l", Path.Combine(data, "log"), "-w", "-o",
        $"-k {data} -h 127.0.0.1 -p {Port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");

    /// <summary>A fast shutdown: every open connection is ended with 57P01, as in an operator's restart.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", "-D", data, "-m", "fast", "-w", "stop");

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(root, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    public static string Bin
    {
        get
        {
            if (Environment.GetEnvironmentVariable("TAXGENIUS_TEST_PGBIN") is { Length: > 0 } configured)
            {
                return configured;
            }

            return Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).Last()
                : throw new InvalidOperationException("PostgreSQL's binaries were not found (set TAXGENIUS_TEST_PGBIN).");
        }
    }

    private Task PgAsync(string tool, params string[] arguments) => IsRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments])
        : RunAsync(Path.Combine(Bin, tool), arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output} {await error}");
        }
    }
}
