using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Api;

/// <summary>
/// One app (PostgreSQL, Redis) for the /api/users and token tests, with generous rate limits (the limit has its own test) and one
/// signed-in client per demo role, made once: sign-ins are rate limited per address too.
/// </summary>
public sealed class ApiAppFixture : IAsyncLifetime
{
    private TaxGeniusAppFactory? factory;
    private readonly Dictionary<string, HttpClient> clients = [];

    public TaxGeniusAppFactory Factory => factory ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        factory = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["RateLimits:Api:Limit"] = "100000",
            ["RateLimits:SignIn:Limit"] = "1000",
        });
        factory.StartServer();
    }

    /// <summary>Signed in with the cookie and the antiforgery header (made once per e-mail).</summary>
    public async Task<HttpClient> CookieClientAsync(string email)
    {
        if (!clients.TryGetValue(email, out var client))
        {
            client = await Factory.SignInForApiAsync(email);
            clients[email] = client;
        }

        return client;
    }

    /// <summary>A client without cookies that sends <paramref name="secret"/> as its bearer token.</summary>
    public HttpClient BearerClient(string secret)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>A new token of the demo administrator (through the service, as the tokens page makes it).</summary>
    public async Task<ApiTokenCreation> CreateAdminTokenAsync(string name = "test", TimeSpan? lifetime = null)
    {
        var adminId = await Factory.UserIdAsync(DemoAccounts.Admin);
        var created = await Factory.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new AuditActor(adminId, DemoAccounts.Admin, null, IsAdmin: true), name, lifetime ?? ApiTokenService.DefaultLifetime);
        Assert.True(created.Succeeded, created.Error);
        return created;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
    }
}
