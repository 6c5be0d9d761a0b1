using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>
/// deploy/nginx/taxgenius.conf.template (docker-compose's proxy) run by Debian's nginx in front of two instances that share
/// PostgreSQL, Redis and the S3 bucket: a browser sticks to one replica by its routing cookie and moves to the other when that
/// one is gone; the app sees each client's own address through the proxy (per-IP limits count clients, not the proxy) and
/// ignores forwarded headers from anyone else; uploads over Storage:MaxFileBytes are stopped at the proxy with a ProblemDetails.
/// </summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private const long MaxBytes = 1024 * 1024;
    private readonly TestStore files = TestStore.Create(StoreKind.S3);
    private TwoInstances apps = default!;
    private NginxProxy proxy = default!;

    public async Task InitializeAsync()
    {
        var settings = files.AppSettings();
        settings["Storage:MaxFileBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture);
        settings["ReverseProxy:KnownProxies:0"] = "127.0.0.1";
        settings["RateLimits:SignIn:Limit"] = "3";
        apps = await TwoInstances.StartAsync(kestrel: true, settings: settings);
        proxy = await NginxProxy.StartAsync([apps.A.BaseAddress, apps.B.BaseAddress], MaxBytes);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await apps.DisposeAsync();
        await files.DisposeAsync();
    }

    [Fact]
    public async Task A_browser_gets_a_routing_cookie_once_keeps_its_replica_and_moves_to_the_other_when_it_is_gone()
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = proxy.Address };

        using (var first = await browser.GetAsync("/Account/Login"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tg_replica=", StringComparison.Ordinal));
            Assert.Contains("HttpOnly", cookie, StringComparison.Ordinal);
        }

        var route = handler.CookieContainer.GetCookies(proxy.Address)["tg_replica"]!.Value;
        var replicas = new HashSet<int?>();
        for (var i = 0; i < 8; i++)
        {
            using var again = await browser.GetAsync("/health/live");
            Assert.False(again.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith("tg_replica=", StringComparison.Ordinal)),
                "The routing cookie is set once, not on every response.");
            replicas.Add(await proxy.UpstreamOfAsync(route));
        }

        var home = Assert.Single(replicas);
        Assert.Contains(home, new int?[] { apps.A.BaseAddress.Port, apps.B.BaseAddress.Port });

        // Both replicas are in use (other cookies land on the other one).
        var other = home == apps.A.BaseAddress.Port ? apps.B : apps.A;
        Assert.NotNull(await proxy.RouteToAsync(other.BaseAddress.Port));

        // The browser's replica goes away: the same cookie is served by the survivor, without an error.
        await (home == apps.A.BaseAddress.Port ? apps.A : apps.B).DisposeAsync();
        using (var afterwards = await browser.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        }

        Assert.Equal(other.BaseAddress.Port, await proxy.UpstreamOfAsync(route));
    }

    [Fact]
    public async Task Through_the_proxy_each_client_is_counted_by_its_own_address_and_forged_headers_from_others_are_ignored()
    {
        // Three sign-in attempts per address (the limit here): one client at 127.0.0.2 uses them up...
        using var fromTwo = From("127.0.0.2", proxy.Address);
        for (var i = 0; i < 3; i++)
        {
            using var attempt = await fromTwo.PostAsync("/Account/Login", new FormUrlEncodedContent([]));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, attempt.StatusCode);
        }

        using (var fourth = await fromTwo.PostAsync("/Account/Login", new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        }

        // ...which does not lock out another client behind the same proxy (without forwarded headers both would be 127.0.0.1).
        using var fromThree = From("127.0.0.3", proxy.Address);
        using (var other = await fromThree.PostAsync("/Account/Login", new FormUrlEncodedContent([])))
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        }

        // A client that is not the proxy cannot pick its address: X-Forwarded-For sent straight to a replica is ignored.
        using var direct = From("127.0.0.2", apps.A.BaseAddress);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/Account/Login") { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("X-Forwarded-For", "198.51.100.23");
        using (var refused = await direct.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_stopped_at_the_proxy_with_a_problem_details()
    {
        using var client = new HttpClient { BaseAddress = proxy.Address };
        using var request = DocumentUpload.Request(new ByteArrayContent(new byte[MaxBytes + 1]), "big.pdf");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("File too large", problem.GetProperty("title").GetString());
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    /// <summary>A client whose connections come from <paramref name="address"/> (any 127.x address is this machine).</summary>
    private static HttpClient From(string address, Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = baseAddress };
}
