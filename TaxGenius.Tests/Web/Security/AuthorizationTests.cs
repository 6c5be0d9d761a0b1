using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

public sealed class AuthorizationTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static TheoryData<string> RoleHomes => ["/client", "/client/profile", "/preparer", "/preparer/queue", "/referrer", "/admin", "/admin/users", "/admin/payouts", "/admin/audit", "/admin/outbox", "/Account/Manage"];

    [Theory]
    [MemberData(nameof(RoleHomes))]
    public async Task Anonymous_requests_to_role_pages_are_sent_to_sign_in(string path)
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_landing_page_and_sign_in_are_public()
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Register")).StatusCode);
    }

    /// <summary>Each demo account reaches its own home and is refused every other role's home.</summary>
    [Theory]
    [InlineData(DemoAccounts.Client, "/client")]
    [InlineData(DemoAccounts.Preparer, "/preparer")]
    [InlineData(DemoAccounts.Referrer, "/referrer")]
    [InlineData(DemoAccounts.Admin, "/admin")]
    public async Task Each_role_reaches_only_its_own_home(string email, string home)
    {
        using var client = await app.Factory.SignInAsync(email);
        foreach (var path in new[] { "/client", "/preparer", "/referrer", "/admin", "/admin/users", "/admin/payouts", "/admin/audit", "/admin/outbox" })
        {
            using var response = await client.GetAsync(path);
            if (path == home || (home == "/admin" && path.StartsWith("/admin", StringComparison.Ordinal)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(path switch { "/admin/outbox" => "Undelivered", "/admin/users" => "Users and roles", "/admin/payouts" => "Referral payouts", "/admin/audit" => "Audit log", _ => "Welcome" },
                    await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal("/Account/AccessDenied", response.Headers.Location!.AbsolutePath);
            }
        }
    }

    /// <summary>The profile page holds a client's own details and SSN: other roles, admins included, are refused.</summary>
    [Theory]
    [InlineData(DemoAccounts.Client, HttpStatusCode.OK)]
    [InlineData(DemoAccounts.Preparer, HttpStatusCode.Redirect)]
    [InlineData(DemoAccounts.Referrer, HttpStatusCode.Redirect)]
    [InlineData(DemoAccounts.Admin, HttpStatusCode.Redirect)]
    public async Task Only_clients_open_the_profile_page(string email, HttpStatusCode expected)
    {
        using var client = await app.Factory.SignInAsync(email);
        using var response = await client.GetAsync("/client/profile");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("Your profile", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("/Account/AccessDenied", response.Headers.Location!.AbsolutePath);
        }
    }

    /// <summary>The review queue is the firm's work: preparers and admins (the Staff policy); clients and referrers are refused.</summary>
    [Theory]
    [InlineData(DemoAccounts.Preparer, HttpStatusCode.OK)]
    [InlineData(DemoAccounts.Admin, HttpStatusCode.OK)]
    [InlineData(DemoAccounts.Client, HttpStatusCode.Redirect)]
    [InlineData(DemoAccounts.Referrer, HttpStatusCode.Redirect)]
    public async Task Only_staff_open_the_review_queue(string email, HttpStatusCode expected)
    {
        using var client = await app.Factory.SignInAsync(email);
        using var response = await client.GetAsync("/preparer/queue");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("Review queue", html, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"queue-grid\"", html, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("/Account/AccessDenied", response.Headers.Location!.AbsolutePath);
        }
    }

    [Theory]
    [InlineData(DemoAccounts.Client, "/client")]
    [InlineData(DemoAccounts.Admin, "/admin")]
    public async Task Signing_in_lands_on_the_role_home(string email, string home)
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var response = await TaxGeniusAppFactory.PostLoginAsync(client, email, TaxGeniusAppFactory.DemoPassword);
        {
            // Every demo account has an authenticator app (staff must; the firm's default policy asks clients too): its step first.
            Assert.Equal("/Account/LoginWith2fa", response.Headers.Location.PathOnly());
            response = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, response.Headers.Location!, await app.Factory.TotpCodeAsync(email));
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(home, response.Headers.Location.PathOnly());
        response.Dispose();
    }

    [Fact]
    public void Every_routable_component_declares_who_may_use_it()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any())
            .ToList();
        Assert.NotEmpty(pages);

        var undeclared = pages
            // A page may carry several (the folder's [Authorize] and its own role): every one of them must pass.
            .Where(t => !t.GetCustomAttributes<AuthorizeAttribute>(inherit: true).Any() && t.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is null)
            .Select(t => $"{t.FullName} ({string.Join(", ", t.GetCustomAttributes<RouteAttribute>().Select(r => r.Template))})")
            .ToList();
        Assert.True(undeclared.Count == 0, "Pages without [Authorize] or [AllowAnonymous]: " + string.Join("; ", undeclared));

        // The role pages use the role policies, not a bare [Authorize].
        var rolePages = pages.Where(t => t.Namespace is { } ns && (ns.EndsWith(".Client", StringComparison.Ordinal) || ns.EndsWith(".Preparer", StringComparison.Ordinal)
            || ns.EndsWith(".Referrer", StringComparison.Ordinal) || ns.EndsWith(".Admin", StringComparison.Ordinal))).ToList();
        Assert.True(rolePages.Count >= 4, "Each role has at least its home page.");
        Assert.All(rolePages, t => Assert.False(string.IsNullOrEmpty(t.GetCustomAttribute<AuthorizeAttribute>()?.Policy), t.FullName));
    }
}
