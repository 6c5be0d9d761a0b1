using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// Debian's nginx with the repository's deploy/nginx/taxgenius.conf.template (the file docker-compose.yml gives the nginx image),
/// filled in with loopback values, in front of the given app instances. Its access log records which instance served each
/// request, so a test can find routing cookies that land on a given instance.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tg-nginx-").FullName;
    private readonly Process process;

    private NginxProxy(IEnumerable<Uri> upstreams, long maxBodyBytes)
    {
        Port = ServerProcess.FreePort();
        var template = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "taxgenius.conf.template"));
        var servers = string.Join(" ", upstreams.Select(u => $"server {u.Host}:{u.Port} max_fails=1 fail_timeout=10s;"));
        var site = Fill(template, new Dictionary<string, string>
        {
            ["TG_PROXY_LISTEN"] = $"127.0.0.1:{Port}",
            ["TG_UPSTREAM_SERVERS"] = servers,
            ["TG_MAX_BODY_BYTES"] = maxBodyBytes.ToString(CultureInfo.InvariantCulture),
        });
        File.WriteAllText(Path.Combine(folder, "taxgenius.conf"), site);
        foreach (var temp in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(folder, temp));
        }

        // What the nginx image's own nginx.conf does around conf.d, with every path inside the test's folder.
        File.WriteAllText(ConfigFile, $$"""
            worker_processes 1;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                log_format upstream '$request_method $uri $status cookie=$cookie_tg_replica upstream=$upstream_addr';
                access_log {{AccessLog}} upstream;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/taxgenius.conf;
            }
            """);
        if (Environment.UserName == "root")
        {
            File.WriteAllText(ConfigFile, "user root;\n" + File.ReadAllText(ConfigFile));
        }

        process = Process.Start(new ProcessStartInfo(Binary, ["-p", folder, "-c", ConfigFile])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("nginx did not start.");
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public string ConfigFile => Path.Combine(folder, "nginx.conf");

    public string AccessLog => Path.Combine(folder, "access.log");

    public static string Binary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    /// <summary>Starts nginx in front of <paramref name="upstreams"/> and waits until it answers.</summary>
    public static async Task<NginxProxy> StartAsync(IEnumerable<Uri> upstreams, long maxBodyBytes)
    {
        var proxy = new NginxProxy(upstreams, maxBodyBytes);
        for (var i = 0; i < 100; i++)
        {
            if (proxy.process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {await proxy.process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
                return proxy;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("nginx did not listen within 10 s.");
    }

    /// <summary>
    /// A routing-cookie value that nginx sends to the instance on <paramref name="port"/>: tried with requests of its own and read
    /// back from the access log.
    /// </summary>
    public async Task<string> RouteToAsync(int port)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Address };
        for (var i = 0; i < 64; i++)
        {
            var value = $"route-{i}-{Guid.NewGuid():N}";
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.Add("Cookie", $"tg_replica={value}");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            if (await UpstreamOfAsync(value) == port)
            {
                return value;
            }
        }

        throw new InvalidOperationException($"No routing cookie reached port {port}.");
    }

    /// <summary>The upstream port that served the last request carrying routing cookie <paramref name="value"/>.</summary>
    public async Task<int?> UpstreamOfAsync(string value)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var lines = await File.ReadAllLinesAsync(AccessLog);
            var line = lines.LastOrDefault(l => l.Contains($"cookie={value} ", StringComparison.Ordinal));
            if (line is not null && UpstreamPort().Match(line) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            await Task.Delay(50); // nginx writes its log line as the request ends
        }

        return null;
    }

    /// <summary>${NAME} filled in from <paramref name="values"/>, as the nginx image's envsubst does.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$\{(TG_[A-Z_]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"upstream=(?:.*, )?[0-9.]+:([0-9]+)$")]
    private static partial Regex UpstreamPort();

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
