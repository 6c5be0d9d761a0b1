using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Api;

/// <summary>
/// The API's hot path keeps accepted tokens' principals and users' rows in each instance's memory (issue 22): every change that must
/// end or alter access (revocation, lock, deactivation, role change) takes effect on the very next request, once the entry is cached.
/// </summary>
public sealed class ApiAuthCacheTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    private IDbContextFactory<TaxGeniusDbContext> Db => app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

    private UserLifecycleService Lifecycle => app.Factory.Services.GetRequiredService<UserLifecycleService>();

    private async Task<AuditActor> AdminAsync() => new(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);

    /// <summary>A new administrator with a token whose principal is cached (two accepted requests).</summary>
    private async Task<(Guid UserId, HttpClient Client, ApiTokenCreation Token)> CachedAdminTokenAsync(string email)
    {
        var userId = await app.Factory.CreateUserAsync(email, Roles.Admin);
        var token = await app.Factory.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new AuditActor(userId, email, null, true), "script", ApiTokenService.DefaultLifetime);
        Assert.True(token.Succeeded, token.Error);
        var client = app.BearerClient(token.Secret!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
        return (userId, client, token);
    }

    [Fact]
    public async Task An_accepted_token_is_served_from_memory_until_its_owners_security_version_changes()
    {
        var (userId, client, token) = await CachedAdminTokenAsync("cached.admin@example.test");

        // Revoked behind the app's back (no save through EF, so nothing is invalidated): the cached principal still answers...
        await using (var db = await Db.CreateDbContextAsync())
        {
            await db.ApiTokens.Where(t => t.Id == token.Token!.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTime.UtcNow));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{userId}")).StatusCode);

        // ...until the owner's security version is retired, as every save touching the owner or their tokens does.
        await app.Factory.Services.GetRequiredService<IDistributedCache>().RemoveAsync(CacheKeys.SecurityVersion(userId));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_once_after_revocation()
    {
        var (userId, client, token) = await CachedAdminTokenAsync("revoked.cached@example.test");
        Assert.True(await app.Factory.Services.GetRequiredService<ApiTokenService>().RevokeAsync(await AdminAsync(), token.Token!.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_once_after_its_owner_is_locked()
    {
        var (userId, client, _) = await CachedAdminTokenAsync("locked.cached@example.test");
        Assert.True((await Lifecycle.LockAsync(await AdminAsync(), userId)).Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_once_after_its_owner_is_deactivated()
    {
        var (userId, client, _) = await CachedAdminTokenAsync("deactivated.cached@example.test");
        Assert.True((await Lifecycle.DeactivateAsync(await AdminAsync(), userId)).Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_once_after_its_owner_is_demoted()
    {
        var (userId, client, _) = await CachedAdminTokenAsync("demoted.cached@example.test");
        Assert.True((await Lifecycle.ChangeRoleAsync(await AdminAsync(), userId, Roles.Preparer)).Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_that_leaves_the_token_alive_applies_on_the_next_request()
    {
        // The role taken away directly through Identity (no token revocation): the cached principal's ADMIN role must not survive it.
        var (userId, client, _) = await CachedAdminTokenAsync("role.cached@example.test");
        using (var scope = app.Factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByIdAsync(userId.ToString());
            Assert.True((await users.RemoveFromRoleAsync(user!, Roles.Admin)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user!, Roles.Preparer)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/users/{userId}")).StatusCode);

        // And back: a promotion (not a demotion, so the token lives) is accepted at once too.
        Assert.True((await Lifecycle.ChangeRoleAsync(await AdminAsync(), userId, Roles.Admin)).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_user_row_shows_a_rename_a_role_change_and_a_lock_on_the_next_read()
    {
        var token = await app.CreateAdminTokenAsync("rows");
        using var client = app.BearerClient(token.Secret!);
        var userId = await app.Factory.CreateUserAsync("row.cached@example.test", Roles.Preparer);
        Assert.Equal("PREPARER", (await GetUserAsync(client, userId)).GetProperty("role").GetString());
        Assert.Equal("ACTIVE", (await GetUserAsync(client, userId)).GetProperty("state").GetString());

        using var patched = await client.PatchAsync($"/api/users/{userId}",
            new StringContent("""{"name":"Row Renamed","role":"REFERRER"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var row = await GetUserAsync(client, userId);
        Assert.Equal(("Row Renamed", "REFERRER"), (row.GetProperty("name").GetString(), row.GetProperty("role").GetString()));

        Assert.True((await Lifecycle.LockAsync(await AdminAsync(), userId)).Succeeded);
        Assert.Equal("LOCKED", (await GetUserAsync(client, userId)).GetProperty("state").GetString());
    }

    private static async Task<JsonElement> GetUserAsync(HttpClient client, Guid userId)
    {
        using var response = await client.GetAsync($"/api/users/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>
/// Two instances on one PostgreSQL database and one Redis: a change made on A is in force on B's very next request, although B
/// had the token's principal, the user's row or the session cached.
/// </summary>
public sealed class ApiAuthCacheMultiInstanceTests : IAsyncLifetime
{
    private TwoInstances apps = default!;

    public async Task InitializeAsync() => apps = await TwoInstances.StartAsync(settings: new Dictionary<string, string?>
    {
        ["RateLimits:Api:Limit"] = "100000",
        ["RateLimits:SignIn:Limit"] = "1000",
    });

    public async Task DisposeAsync() => await apps.DisposeAsync();

    private async Task<AuditActor> AdminAsync() => new(await apps.A.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);

    private HttpClient Bearer(TaxGeniusAppFactory app, string secret)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private async Task<(Guid UserId, HttpClient OnA, HttpClient OnB, ApiTokenCreation Token)> TokenCachedOnBothAsync(string email)
    {
        var userId = await apps.A.CreateUserAsync(email, Roles.Admin);
        var token = await apps.A.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new AuditActor(userId, email, null, true), "script", ApiTokenService.DefaultLifetime);
        var onA = Bearer(apps.A, token.Secret!);
        var onB = Bearer(apps.B, token.Secret!);
        foreach (var client in new[] { onA, onB, onA, onB })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{userId}")).StatusCode);
        }

        return (userId, onA, onB, token);
    }

    [Fact]
    public async Task A_token_revoked_on_one_instance_is_refused_by_the_other_on_the_next_request()
    {
        var (userId, onA, onB, token) = await TokenCachedOnBothAsync("revoked.twice@example.test");
        Assert.True(await apps.A.Services.GetRequiredService<ApiTokenService>().RevokeAsync(await AdminAsync(), token.Token!.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync($"/api/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_lock_on_one_instance_stops_the_token_on_the_other_on_the_next_request()
    {
        var (userId, _, onB, _) = await TokenCachedOnBothAsync("locked.twice@example.test");
        Assert.True((await apps.A.Services.GetRequiredService<UserLifecycleService>().LockAsync(await AdminAsync(), userId)).Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync($"/api/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_on_one_instance_shows_in_the_others_cached_row()
    {
        var token = await apps.A.Services.GetRequiredService<ApiTokenService>().CreateAsync(await AdminAsync(), "rows", ApiTokenService.DefaultLifetime);
        using var onB = Bearer(apps.B, token.Secret!);
        var userId = await apps.A.CreateUserAsync("row.twice@example.test", Roles.Preparer);
        for (var i = 0; i < 2; i++)
        {
            Assert.Contains("\"role\":\"PREPARER\"", await onB.GetStringAsync($"/api/users/{userId}"), StringComparison.Ordinal);
        }

        Assert.True((await apps.A.Services.GetRequiredService<UserLifecycleService>().ChangeRoleAsync(await AdminAsync(), userId, Roles.Referrer)).Succeeded);
        Assert.Contains("\"role\":\"REFERRER\"", await onB.GetStringAsync($"/api/users/{userId}"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("revoke-session")]
    [InlineData("sign-out-everywhere")]
    public async Task A_cookie_session_ended_on_one_instance_is_refused_by_the_other_on_the_next_request(string how)
    {
        var jar = new CookieContainer();
        using (await apps.A.SignInAsync(DemoAccounts.Admin, cookies: jar))
        {
        }

        var cookie = jar.GetCookieHeader(apps.A.ClientOptions.BaseAddress);
        var adminId = await apps.A.UserIdAsync(DemoAccounts.Admin);
        using var onB = apps.B.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        onB.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync($"/api/users/{adminId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync($"/api/users/{adminId}")).StatusCode);

        Guid sessionId;
        await using (var db = await apps.A.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            sessionId = await db.UserSessions.Where(s => s.UserId == adminId && s.RevokedAt == null).OrderByDescending(s => s.CreatedAt)
                .Select(s => s.Id).FirstAsync();
        }

        if (how == "revoke-session")
        {
            Assert.True(await apps.A.Services.GetRequiredService<TaxGenius.Core.Sessions.SessionService>().RevokeAsync(adminId, sessionId));
        }
        else
        {
            Assert.True((await apps.A.Services.GetRequiredService<UserLifecycleService>().EndSessionsAsync(await AdminAsync(), adminId)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync($"/api/users/{adminId}")).StatusCode);
    }
}
