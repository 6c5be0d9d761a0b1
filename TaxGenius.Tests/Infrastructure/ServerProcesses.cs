using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>A real server process a test owns, so it can stop it and start it again on the same port.</summary>
public abstract class ServerProcess : IAsyncDisposable
{
    private Process? process;

    protected ServerProcess(int? port = null) => Port = port ?? FreePort();

    public int Port { get; }

    public bool IsRunning => process is { HasExited: false };

    protected abstract ProcessStartInfo StartInfo();

    public async Task StartAsync()
    {
        var info = StartInfo();
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var i = 0; i < 100; i++)
        {
            if (await AcceptsAsync())
            {
                return;
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"{info.FileName} exited with {process.ExitCode} before listening on {Port}.");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{info.FileName} did not listen on {Port}.");
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the server left on disk once it is stopped for good.</summary>
    protected virtual void Cleanup()
    {
    }
}

/// <summary>A Redis of the test's own (not the shared one), for stopping it mid-test.</summary>
public sealed class PrivateRedis : ServerProcess
{
    public string ConnectionString => $"127.0.0.1:{Port}";

    protected override ProcessStartInfo StartInfo() => new(
        Environment.GetEnvironmentVariable("TAXGENIUS_TEST_REDIS_SERVER") is { Length: > 0 } binary ? binary : "redis-server",
        ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
}

/// <summary>The repository's SMTP sink (Debian's python3-aiosmtpd): every accepted message becomes an .eml file in <see cref="Folder"/>.</summary>
public sealed class SmtpSink(int? port = null) : ServerProcess(port)
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("tg_smtp_").FullName;

    public IReadOnlyList<string> Messages => Directory.GetFiles(Folder, "*.eml");

    /// <summary>The messages are real e-mails (confirmation and reset links): none stays in the temporary folder.</summary>
    protected override void Cleanup()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    protected override ProcessStartInfo StartInfo() => new(
        "/usr/bin/python3",
        [Path.Combine(RepositoryRoot(), "scripts", "smtp-sink.py"), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", Folder]);

    private static string RepositoryRoot() => Repository.Root;
}

/// <summary>The checkout the tests run from (the folder holding TaxGenius.sln).</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TaxGenius.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("TaxGenius.sln not found above the test binaries.");
        }
    }
}
