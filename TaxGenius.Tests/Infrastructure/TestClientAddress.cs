using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The test server has no client address. With <see cref="Enable"/> (as a factory's configureServices), a request's
/// <see cref="Header"/> becomes its connection's remote address, ahead of the app's own middleware: tests speak from several networks.
/// </summary>
public static class TestClientAddress
{
    public const string Header = "X-Test-Client-Address";

    public static void Enable(IServiceCollection services) => services.AddTransient<IStartupFilter, Filter>();

    /// <summary>A client of <paramref name="factory"/> (no redirects followed, cookies kept) that comes from <paramref name="address"/>.</summary>
    public static HttpClient ClientFrom(this TaxGeniusAppFactory factory, string address)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = factory.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
