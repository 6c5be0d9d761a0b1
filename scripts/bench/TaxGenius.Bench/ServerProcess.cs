using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace TaxGenius.Bench;

/// <summary>
/// The published TaxGenius.Web (its own Program.cs, unmodified) in a process of its own, as production runs it:
/// <c>dotnet TaxGenius.Web.dll</c> from the publish folder (content root), Release, Server GC (the Web SDK default).
/// The process gets <see cref="StartupHook"/> through <c>DOTNET_STARTUP_HOOKS</c>, and <see cref="Probe"/> talks to it.
/// Everything else comes from the environment the script set (connection strings), plus the settings given to <see cref="StartAsync"/>.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ServerProcess(Process process, StreamWriter log, Uri baseAddress, Probe probe)
    {
        this.process = process;
        this.log = log;
        BaseAddress = baseAddress;
        Probe = probe;
    }

    public Uri BaseAddress { get; }

    public Probe Probe { get; }

    public int ProcessId => process.Id;

    public string LogFile { get; private init; } = "";

    /// <summary>Starts the app from TG_BENCH_APP_DIR and waits until /health/live answers and the probe is connected.</summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> settings)
    {
        var appDir = Environment.GetEnvironmentVariable("TG_BENCH_APP_DIR")
            ?? throw new InvalidOperationException("TG_BENCH_APP_DIR (the folder of the published TaxGenius.Web) is not set.");
        var workDir = Environment.GetEnvironmentVariable("TG_BENCH_WORK") ?? Path.GetTempPath();
        var port = FreePort();
        var diagPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDir, "TaxGenius.Web.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_HTTP_PORTS"] = "";
        start.Environment["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
        start.Environment["TG_BENCH_DIAG_PORT"] = diagPort.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var logFile = Path.Combine(workDir, $"server-{port}.log");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}; see {logFile}:\n{File.ReadAllText(logFile)}");
            }

            try
            {
                using var response = await http.GetAsync("/health/live");
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill();
                throw new TimeoutException($"The server did not answer /health/live in 3 minutes; see {logFile}.");
            }

            await Task.Delay(200);
        }

        var probe = await Probe.ConnectAsync(diagPort);
        return new ServerProcess(process, log, baseAddress, probe) { LogFile = logFile };
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>VmRSS of the server process, read from outside (/proc/&lt;pid&gt;/status).</summary>
    public long ReadRss()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    /// <summary>Stops the server as a service manager would (SIGTERM, graceful), killing it after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        Probe.Dispose();
        if (!process.HasExited)
        {
            _ = Kill(process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

/// <summary>The benchmark's side of <see cref="BenchDiagnostics"/>: one TCP connection, one JSON line per command.</summary>
internal sealed class Probe : IDisposable
{
    private readonly TcpClient client;
    private readonly StreamReader reader;
    private readonly StreamWriter writer;
    private readonly SemaphoreSlim gate = new(1, 1);

    private Probe(TcpClient client)
    {
        this.client = client;
        var stream = client.GetStream();
        reader = new StreamReader(stream, Encoding.UTF8);
        writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public static async Task<Probe> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new Probe(client);
    }

    public async Task<JsonElement> AskAsync(string command)
    {
        await gate.WaitAsync();
        try
        {
            await writer.WriteLineAsync(command);
            var line = await reader.ReadLineAsync() ?? throw new IOException("The server closed the diagnostics connection.");
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A full blocking compacting GC in the server, then its managed heap and VmRSS.</summary>
    public Task<JsonElement> CollectAsync() => AskAsync("gc");

    public void Dispose()
    {
        writer.Dispose();
        reader.Dispose();
        client.Dispose();
        gate.Dispose();
    }
}

internal static class JsonElementExtensions
{
    public static long Long(this JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static long Gauge(this JsonElement element, string name) =>
        element.GetProperty("gauges").TryGetProperty(name, out var value) ? value.GetInt64() : -1;
}
