using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>The browser-side baseline on pages and API answers: CSP, nosniff, referrer policy, HSTS and cookie flags.</summary>
public sealed class SecurityHeadersTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/client")]
    [InlineData("/api/me")]
    public async Task Every_answer_carries_the_policy_headers(string path)
    {
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        using var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("'self'", directives["frame-ancestors"]);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'none'", directives["object-src"]);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Cross-Origin-Resource-Policy")));
        // HSTS belongs to Production (below); `dotnet run` on http://localhost must not pin the browser to https.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task In_production_hsts_is_sent_and_every_cookie_is_secure_httponly_and_lax()
    {
        await using var production = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = "Production",
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = "https://taxgenius.example",
            ["Bootstrap:AdminEmail"] = "owner@firm.example",
            ["Bootstrap:AdminPassword"] = "the owner's long password",
        });
        using var client = production.CreateClient(new() { BaseAddress = new Uri("https://taxgenius.example"), AllowAutoRedirect = false });

        using var page = await client.GetAsync("/Account/Login");
        Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();

        var html = await page.Content.ReadAsStringAsync();
        var token = FormToken.In(html);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = token,
                ["Input.Email"] = "owner@firm.example", ["Input.Password"] = "the owner's long password",
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Split(';')[0])));
        using var signedIn = await client.SendAsync(request);
        cookies.AddRange(signedIn.Headers.GetValues("Set-Cookie"));

        Assert.Contains(cookies, c => c.StartsWith("TaxGenius.Auth=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.All(cookies, cookie =>
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains(attributes, a => a is "samesite=lax" or "samesite=strict");
        });
    }

    [Fact]
    public async Task Pages_ask_the_browser_for_its_colour_scheme_and_nothing_else_does()
    {
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        foreach (var path in new[] { "/", "/client", "/Account/Login" })
        {
            using var page = await client.GetAsync(path);
            Assert.Equal("Sec-CH-Prefers-Color-Scheme", Assert.Single(page.Headers.GetValues("Accept-CH")));
            Assert.Equal("Sec-CH-Prefers-Color-Scheme", Assert.Single(page.Headers.GetValues("Critical-CH")));
            Assert.Contains("Sec-CH-Prefers-Color-Scheme", page.Headers.Vary);
        }

        // A form's answer asks for the hint but does not make the browser send the form again to get it.
        using var anonymous = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var refused = await FormToken.PostFormAsync(anonymous, "/Account/Login", "login",
            ("Input.Email", "nobody@example.com"), ("Input.Password", "not the password"));
        Assert.Equal(System.Net.HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("do not match an account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(refused.Headers.Contains("Accept-CH"));
        Assert.False(refused.Headers.Contains("Critical-CH"));

        // A hint is a little about the person: only the pages that are painted with it ask for it.
        foreach (var path in new[] { "/api/me", "/app.css" })
        {
            using var other = await client.GetAsync(path);
            Assert.True(other.IsSuccessStatusCode, path);
            Assert.False(other.Headers.Contains("Accept-CH"), path);
            Assert.False(other.Headers.Contains("Critical-CH"), path);
        }
    }

    [Fact]
    public async Task Api_answers_with_personal_data_are_not_stored()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync();
        using var client = await factory.SignInAsync(DemoAccounts.Admin);

        using var users = await client.GetAsync("/api/users");
        Assert.Equal(System.Net.HttpStatusCode.OK, users.StatusCode);
        Assert.Contains("no-store", users.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var me = await client.GetAsync("/api/me");
        Assert.Contains("no-store", me.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_of_the_real_server_names_it()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(kestrel: true);
        using var client = new HttpClient { BaseAddress = factory.BaseAddress };
        foreach (var path in new[] { "/", "/app.css", "/Account/Login", "/api/users", "/health/live" })
        {
            using var response = await client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path}: Server: {string.Join(",", response.Headers.Server)}");
        }
    }
}
