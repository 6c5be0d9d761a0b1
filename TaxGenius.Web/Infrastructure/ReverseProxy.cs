using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Behind a TLS-terminating proxy or load balancer, list its addresses under <c>ReverseProxy:KnownProxies</c>: the app then
/// takes the client's address and scheme from X-Forwarded-For/-Proto (rate limits per client, secure cookies, right links).
/// Headers from anyone else are ignored.
/// </summary>
internal static class ReverseProxy
{
    public static void UseTaxGeniusForwardedHeaders(this WebApplication app)
    {
        var proxies = app.Configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [];
        if (proxies.Length == 0)
        {
            return;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(options);
    }
}
