using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Users;

namespace TaxGenius.Tests.Web.Api;

/// <summary>Personal access tokens against /api/users: what works, what is refused (401/403 ProblemDetails, never a redirect), what is stored.</summary>
public sealed class ApiTokenTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    private IDbContextFactory<TaxGeniusDbContext> Db => app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

    [Fact]
    public async Task An_administrators_token_lists_and_creates_users_without_cookie_or_antiforgery()
    {
        var token = await app.CreateAdminTokenAsync();
        using var client = app.BearerClient(token.Secret!);

        using var list = await client.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(DemoAccounts.Admin, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var created = await client.PostAsync("/api/users",
            new StringContent("""{"email":"bearer.made@example.test","name":"Bearer Made","role":"REFERRER"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await using var db = await Db.CreateDbContextAsync();
        var row = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == token.Token!.Id);
        Assert.NotNull(row.LastUsedAt);
        var adminId = await app.Factory.UserIdAsync(DemoAccounts.Admin);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.UserCreated && a.ActorId == adminId && a.Detail!.Contains("bearer.made")));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("tgp_garbage")]
    [InlineData("")]
    public async Task A_garbage_token_is_401_problem_details_with_www_authenticate(string secret)
    {
        using var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {secret}");
        using var response = await client.GetAsync("/api/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_revoked_token_is_401()
    {
        var token = await app.CreateAdminTokenAsync("to revoke");
        using var client = app.BearerClient(token.Secret!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/users")).StatusCode);

        var adminId = await app.Factory.UserIdAsync(DemoAccounts.Admin);
        Assert.True(await app.Factory.Services.GetRequiredService<ApiTokenService>()
            .RevokeAsync(new AuditActor(adminId, DemoAccounts.Admin, null, true), token.Token!.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users")).StatusCode);
        await using var db = await Db.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.ApiTokenRevoked && a.SubjectId == token.Token.Id));
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var token = await app.CreateAdminTokenAsync("to expire");
        await using (var db = await Db.CreateDbContextAsync())
        {
            await db.ApiTokens.Where(t => t.Id == token.Token!.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
        }

        using var client = app.BearerClient(token.Secret!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task A_non_administrators_token_is_403_and_never_redirected()
    {
        // Only administrators can make tokens (and demotion revokes them), so plant one for the client directly.
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var secret = ApiTokenService.SecretPrefix + "planted-client-token-0000000000000000000000";
        await using (var db = await Db.CreateDbContextAsync())
        {
            db.ApiTokens.Add(new ApiToken { UserId = clientId, Name = "planted", Prefix = secret[..12], TokenHash = TaxGenius.Core.Common.SecretHash.Of(secret), CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1) });
            await db.SaveChangesAsync();
        }

        using var client = app.BearerClient(secret);
        using var users = await client.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        Assert.Equal("application/problem+json", users.Content.Headers.ContentType?.MediaType);
        // Not even the client's own routes: tokens are for administrators.
        using var documents = await client.GetAsync("/api/documents");
        Assert.Equal(HttpStatusCode.Forbidden, documents.StatusCode);
        Assert.Null(documents.Headers.Location);
    }

    [Fact]
    public async Task Only_administrators_make_tokens_and_deactivation_revokes_them()
    {
        var adminActor = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);
        var otherAdmin = await app.Factory.CreateUserAsync("second.admin@example.test", TaxGenius.Core.Identity.Roles.Admin);
        var tokens = app.Factory.Services.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(new AuditActor(otherAdmin, "second.admin@example.test", null, true), "ci", ApiTokenService.DefaultLifetime);
        Assert.True(created.Succeeded);
        using var client = app.BearerClient(created.Secret!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/users")).StatusCode);

        var refused = await tokens.CreateAsync(new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Client), DemoAccounts.Client, null), "mine", ApiTokenService.DefaultLifetime);
        Assert.False(refused.Succeeded);

        var userAdmin = app.Factory.Services.GetRequiredService<UserLifecycleService>();
        Assert.True((await userAdmin.DeactivateAsync(adminActor, otherAdmin)).Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users")).StatusCode);
        Assert.All(await tokens.ListAsync(otherAdmin), t => Assert.NotNull(t.RevokedAt));
    }

    [Theory]
    [InlineData("force-reset")]
    [InlineData("end-sessions")]
    public async Task Incident_response_on_an_account_revokes_its_tokens(string action)
    {
        var adminActor = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);
        var email = $"{action}.admin@example.test";
        var suspect = await app.Factory.CreateUserAsync(email, TaxGenius.Core.Identity.Roles.Admin);
        var tokens = app.Factory.Services.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(new AuditActor(suspect, email, null, true), "script", ApiTokenService.DefaultLifetime);
        using var client = app.BearerClient(created.Secret!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/users")).StatusCode);

        var userAdmin = app.Factory.Services.GetRequiredService<UserLifecycleService>();
        var result = action == "force-reset"
            ? await userAdmin.ForcePasswordResetAsync(adminActor, suspect)
            : await userAdmin.EndSessionsAsync(adminActor, suspect);
        Assert.True(result.Succeeded, result.Error);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users")).StatusCode);
        Assert.All(await tokens.ListAsync(suspect), t => Assert.NotNull(t.RevokedAt));
        await using var db = await Db.CreateDbContextAsync();
        Assert.Contains("1 API token revoked", (await db.AuditEntries.Where(a => a.SubjectUserId == suspect).OrderBy(a => a.At).LastAsync()).Detail,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_token_expires_within_a_year()
    {
        var adminActor = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);
        var tokens = app.Factory.Services.GetRequiredService<ApiTokenService>();

        var tooLong = await tokens.CreateAsync(adminActor, "forever", TimeSpan.FromDays(366));
        Assert.False(tooLong.Succeeded);
        Assert.Contains("within a year", tooLong.Error, StringComparison.Ordinal);
        var year = await tokens.CreateAsync(adminActor, "a year", ApiTokenService.MaxLifetime);
        Assert.True(year.Succeeded, year.Error);
        Assert.Equal(year.Token!.CreatedAt + TimeSpan.FromDays(365), year.Token.ExpiresAt);
        Assert.DoesNotContain(ApiTokenService.LifetimeChoices, l => l > ApiTokenService.MaxLifetime);
    }

    [Fact]
    public async Task Every_administrator_sees_and_can_revoke_every_token_of_the_firm_and_it_is_audited()
    {
        var adminId = await app.Factory.UserIdAsync(DemoAccounts.Admin);
        var colleague = await app.Factory.CreateUserAsync("colleague.admin@example.test", TaxGenius.Core.Identity.Roles.Admin);
        var tokens = app.Factory.Services.GetRequiredService<ApiTokenService>();
        var theirs = await tokens.CreateAsync(new AuditActor(colleague, "colleague.admin@example.test", null, true), "their script", ApiTokenService.DefaultLifetime);

        var listed = Assert.Single(await tokens.ListAllAsync(), t => t.Id == theirs.Token!.Id);
        Assert.Equal(("colleague.admin@example.test", colleague), (listed.OwnerEmail, listed.OwnerId));

        Assert.True(await tokens.RevokeAsync(new AuditActor(adminId, DemoAccounts.Admin, null, true), theirs.Token!.Id));
        using var client = app.BearerClient(theirs.Secret!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users")).StatusCode);
        await using var db = await Db.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.ApiTokenRevoked && a.SubjectId == theirs.Token.Id);
        Assert.Equal((adminId, colleague), (audit.ActorId!.Value, audit.SubjectUserId!.Value));
        Assert.Contains("colleague.admin@example.test", audit.Detail, StringComparison.Ordinal);

        // Someone who is not an active administrator revokes nothing.
        var another = await tokens.CreateAsync(new AuditActor(colleague, "colleague.admin@example.test", null, true), "second", ApiTokenService.DefaultLifetime);
        Assert.False(await tokens.RevokeAsync(new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Client), DemoAccounts.Client, null), another.Token!.Id));
    }

    [Fact]
    public async Task Only_the_hash_is_stored()
    {
        var token = await app.CreateAdminTokenAsync("stored");
        Assert.StartsWith("tgp_", token.Secret, StringComparison.Ordinal);
        Assert.Equal(47, token.Secret!.Length);

        await using var db = await Db.CreateDbContextAsync();
        var rows = await db.ApiTokens.AsNoTracking().ToListAsync();
        var row = Assert.Single(rows, r => r.Id == token.Token!.Id);
        Assert.Equal(TaxGenius.Core.Common.SecretHash.Of(token.Secret), row.TokenHash);
        Assert.Equal(token.Secret[..12], row.Prefix);
        Assert.DoesNotContain(rows, r => JsonSerializer.Serialize(r).Contains(token.Secret, StringComparison.Ordinal));
        var everything = await db.Database.SqlQueryRaw<string>("SELECT row_to_json(t)::text AS \"Value\" FROM \"ApiTokens\" t").ToListAsync();
        Assert.DoesNotContain(everything, r => r.Contains(token.Secret, StringComparison.Ordinal));
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.ApiTokenCreated).Select(a => a.Detail).ToListAsync();
        Assert.DoesNotContain(audit, d => d!.Contains(token.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_tokens_page_lists_the_administrators_own_tokens_and_is_linked_in_the_nav()
    {
        var token = await app.CreateAdminTokenAsync("page listed");
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        var html = await admin.GetStringAsync("/admin/tokens");
        Assert.Contains("page listed", html, StringComparison.Ordinal);
        Assert.Contains(token.Token!.Prefix, html, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Secret!, html, StringComparison.Ordinal);
        Assert.Contains("admin-link-tokens", html, StringComparison.Ordinal);

        var client = await app.CookieClientAsync(DemoAccounts.Client);
        using var refused = await client.GetAsync("/admin/tokens");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }
}
