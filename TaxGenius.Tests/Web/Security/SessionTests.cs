using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>Server-side sessions through the real app (PostgreSQL, Redis): sign-in, the sessions page, sign-out, admins, the cache.</summary>
public sealed partial class SessionTests(AppFixture app) : IClassFixture<AppFixture>
{
    private TaxGeniusAppFactory Factory => app.Factory;

    [Fact]
    public async Task Signing_in_records_a_session_row_and_a_Redis_entry()
    {
        var userId = await Factory.CreateUserAsync("session.row@example.test", Roles.Client);
        using var client = await Factory.SignInAsync("session.row@example.test");

        var session = Assert.Single(await SessionsAsync(userId));
        Assert.Null(session.RevokedAt);
        Assert.True(session.ExpiresAt > session.CreatedAt);
        Assert.False(string.IsNullOrEmpty(session.Device));
        Assert.True(await Redis.KeyExistsAsync(RedisKey(session.Id)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);

        // Pages that re-issue the cookie (a password change calls RefreshSignInAsync) keep the same session.
        var page = await client.GetStringAsync("/Account/Manage/ChangePassword");
        using var changed = await client.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = FormToken.In(page),
            ["Input.OldPassword"] = TaxGeniusAppFactory.DemoPassword,
            ["Input.NewPassword"] = "a brand new passphrase",
            ["Input.ConfirmPassword"] = "a brand new passphrase",
        }));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);
        Assert.Equal(session.Id, Assert.Single(await SessionsAsync(userId)).Id);
    }

    [Fact]
    public async Task Signing_out_another_session_from_the_sessions_page_ends_it_and_keeps_this_one()
    {
        var userId = await Factory.CreateUserAsync("two.browsers@example.test", Roles.Client);
        using var laptop = await Factory.SignInAsync("two.browsers@example.test");
        using var phone = await Factory.SignInAsync("two.browsers@example.test");
        var phoneSession = (await SessionsAsync(userId)).OrderBy(s => s.CreatedAt).Last().Id;

        var page = await laptop.GetStringAsync("/Account/Manage/Sessions");
        Assert.Equal(2, SessionItem().Count(page));
        Assert.Contains("This device", page, StringComparison.Ordinal);
        Assert.Contains(phoneSession.ToString("N"), page, StringComparison.Ordinal);

        using var signOut = await PostEndSessionAsync(laptop, page, phoneSession);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var after = await laptop.GetStringAsync("/Account/Manage/Sessions");
        Assert.Contains("Signed out", after, StringComparison.Ordinal);
        Assert.Equal(1, SessionItem().Count(after));

        // The phone's cookie is still valid, but its session is gone: pages send it to sign in, the API answers 401.
        using (var response = await phone.GetAsync("/client"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/Account/Login", response.Headers.Location!.AbsolutePath);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/client")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/me")).StatusCode);
        Assert.False(await Redis.KeyExistsAsync(RedisKey(phoneSession)));
        Assert.Equal(SessionRevocationReasons.SignedOutElsewhere, (await SessionsAsync(userId)).Single(s => s.Id == phoneSession).RevokedReason);
    }

    [Fact]
    public async Task Signing_out_all_other_sessions_keeps_only_this_browser()
    {
        var userId = await Factory.CreateUserAsync("three.browsers@example.test", Roles.Client);
        using var a = await Factory.SignInAsync("three.browsers@example.test");
        using var b = await Factory.SignInAsync("three.browsers@example.test");
        using var c = await Factory.SignInAsync("three.browsers@example.test");

        var page = await a.GetStringAsync("/Account/Manage/Sessions");
        using var response = await a.PostAsync("/Account/Manage/Sessions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "end-others",
            ["__RequestVerificationToken"] = FormToken.In(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Signed out 2 other sessions", await a.GetStringAsync("/Account/Manage/Sessions"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await b.GetAsync("/client")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await c.GetAsync("/client")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/client")).StatusCode);
        Assert.Single(await SessionsAsync(userId), s => s.RevokedAt is null);
    }

    [Fact]
    public async Task A_user_cannot_sign_out_someone_elses_session_by_its_id()
    {
        await Factory.CreateUserAsync("attacker@example.test", Roles.Client);
        var victimId = await Factory.CreateUserAsync("victim@example.test", Roles.Client);
        using var attacker = await Factory.SignInAsync("attacker@example.test");
        using var victim = await Factory.SignInAsync("victim@example.test");
        var victimSession = Assert.Single(await SessionsAsync(victimId)).Id;

        var page = await attacker.GetStringAsync("/Account/Manage/Sessions");
        Assert.DoesNotContain(victimSession.ToString("N"), page, StringComparison.Ordinal);
        using var response = await PostEndSessionAsync(attacker, page, victimSession);
        Assert.Contains("Error: that session has already ended.", await attacker.GetStringAsync("/Account/Manage/Sessions"), StringComparison.Ordinal);

        Assert.False(await Factory.Services.GetRequiredService<SessionService>().RevokeAsync(await Factory.UserIdAsync("attacker@example.test"), victimSession));
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/client")).StatusCode);
        Assert.Null(Assert.Single(await SessionsAsync(victimId)).RevokedAt);
    }

    [Fact]
    public async Task An_admin_ends_every_session_of_a_user_and_the_audit_log_records_it()
    {
        var userId = await Factory.CreateUserAsync("ended.everywhere@example.test", Roles.Client);
        using var first = await Factory.SignInAsync("ended.everywhere@example.test");
        using var second = await Factory.SignInAsync("ended.everywhere@example.test");
        var admin = Factory.Services.GetRequiredService<UserLifecycleService>();
        var directory = Factory.Services.GetRequiredService<UserDirectory>();
        Assert.Equal(2, (await directory.GetAsync(userId))!.ActiveSessions);

        string stamp;
        await using (var before = await DbAsync())
        {
            stamp = (await before.Users.SingleAsync(u => u.Id == userId)).SecurityStamp!;
        }

        var adminId = await Factory.UserIdAsync(TaxGenius.Core.Demo.DemoAccounts.Admin);
        var result = await admin.EndSessionsAsync(new AuditActor(adminId, TaxGenius.Core.Demo.DemoAccounts.Admin, "127.0.0.1", IsAdmin: true), userId);
        Assert.True(result.Succeeded, result.Error);

        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync("/client")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/client")).StatusCode);
        Assert.Equal(0, (await directory.GetAsync(userId))!.ActiveSessions);
        Assert.All(await SessionsAsync(userId), s => Assert.Equal(SessionRevocationReasons.EndedByAdmin, s.RevokedReason));

        await using var db = await DbAsync();
        // Cookies without a session claim die too: the security stamp was replaced.
        Assert.NotEqual(stamp, (await db.Users.SingleAsync(u => u.Id == userId)).SecurityStamp);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserSessionsEnded && e.SubjectUserId == userId);
        Assert.Equal(adminId, entry.ActorId);
        Assert.Contains("2 sessions ended", entry.Detail, StringComparison.Ordinal);

        // The account itself is untouched: signing in again works.
        using var again = await Factory.SignInAsync("ended.everywhere@example.test");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/client")).StatusCode);
    }

    [Fact]
    public async Task Locking_an_account_ends_its_sessions_at_once()
    {
        var userId = await Factory.CreateUserAsync("locked.now@example.test", Roles.Client);
        using var client = await Factory.SignInAsync("locked.now@example.test");
        var adminId = await Factory.UserIdAsync(TaxGenius.Core.Demo.DemoAccounts.Admin);
        Assert.True((await Factory.Services.GetRequiredService<UserLifecycleService>().LockAsync(new AuditActor(adminId, null, null, true), userId)).Succeeded);

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/client")).StatusCode);
        Assert.Equal(SessionRevocationReasons.AccountChanged, Assert.Single(await SessionsAsync(userId)).RevokedReason);
    }

    [Fact]
    public async Task Signing_out_revokes_the_session()
    {
        var userId = await Factory.CreateUserAsync("signs.out@example.test", Roles.Client);
        using var client = await Factory.SignInAsync("signs.out@example.test");
        var session = Assert.Single(await SessionsAsync(userId));

        var page = await client.GetStringAsync("/Account/Manage");
        using var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken.In(page),
            ["ReturnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        var ended = Assert.Single(await SessionsAsync(userId));
        Assert.NotNull(ended.RevokedAt);
        Assert.Equal(SessionRevocationReasons.SignedOut, ended.RevokedReason);
        Assert.False(await Redis.KeyExistsAsync(RedisKey(session.Id)));
    }

    [Fact]
    public async Task An_expired_session_is_refused()
    {
        var userId = await Factory.CreateUserAsync("idle.too.long@example.test", Roles.Client);
        using var client = await Factory.SignInAsync("idle.too.long@example.test");
        var session = Assert.Single(await SessionsAsync(userId));

        await using (var db = await DbAsync())
        {
            await db.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        // The cached copy would expire by itself within minutes; drop it so the database answers now.
        await Redis.KeyDeleteAsync(RedisKey(session.Id));
        using var response = await client.GetAsync("/client");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Without_the_Redis_entry_the_database_answers_both_ways()
    {
        var userId = await Factory.CreateUserAsync("cache.miss@example.test", Roles.Client);
        using var live = await Factory.SignInAsync("cache.miss@example.test");
        using var revoked = await Factory.SignInAsync("cache.miss@example.test");
        var sessions = (await SessionsAsync(userId)).OrderBy(s => s.CreatedAt).ToList();

        // Flushed from Redis: still signed in, and the entry is written again.
        await Redis.KeyDeleteAsync(RedisKey(sessions[0].Id));
        Assert.Equal(HttpStatusCode.OK, (await live.GetAsync("/client")).StatusCode);
        Assert.True(await Redis.KeyExistsAsync(RedisKey(sessions[0].Id)));

        // Revoked in the database while Redis says nothing: refused, and not cached as live.
        await using (var db = await DbAsync())
        {
            await db.UserSessions.Where(s => s.Id == sessions[1].Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, DateTime.UtcNow));
        }

        await Redis.KeyDeleteAsync(RedisKey(sessions[1].Id));
        Assert.Equal(HttpStatusCode.Redirect, (await revoked.GetAsync("/client")).StatusCode);
        Assert.False(await Redis.KeyExistsAsync(RedisKey(sessions[1].Id)));
    }

    private IDatabase Redis => Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private RedisKey RedisKey(Guid sessionId) =>
        Factory.Services.GetRequiredService<IConfiguration>()["Redis:InstanceName"] + SessionService.CacheKey(sessionId);

    private Task<TaxGeniusDbContext> DbAsync() => Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();

    private async Task<List<UserSession>> SessionsAsync(Guid userId)
    {
        await using var db = await DbAsync();
        return await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync();
    }

    private static Task<HttpResponseMessage> PostEndSessionAsync(HttpClient client, string page, Guid sessionId) =>
        client.PostAsync("/Account/Manage/Sessions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "end-session",
            ["__RequestVerificationToken"] = FormToken.In(page),
            ["EndSessionId"] = sessionId.ToString("N"),
        }));

    [GeneratedRegex("data-testid=\"session\"")]
    private static partial Regex SessionItem();
}
