using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Sessions;

/// <summary>The session records on both providers, with an in-process cache and a fake clock.</summary>
public sealed class SessionServiceTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryDistributedCache cache = new(Options.Create(new MemoryDistributedCacheOptions()));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_session_lives_until_revoked_or_idle_and_only_its_owner_can_revoke_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var sessions = Service(database);
        var casey = await AddUserAsync(database, "casey@example.test");
        var mallory = await AddUserAsync(database, "mallory@example.test");

        var first = await sessions.CreateAsync(casey, "203.0.113.7", Chrome);
        var second = await sessions.CreateAsync(casey, "198.51.100.2", new string('x', 400));
        var other = await sessions.CreateAsync(mallory, null, null);

        Assert.True(await sessions.IsActiveAsync(first, casey));
        Assert.False(await sessions.IsActiveAsync(first, mallory));
        var listed = await sessions.ListAsync(casey);
        Assert.Equal(2, listed.Count);
        Assert.Contains(listed, s => s.Id == first && s.Device == "Chrome on Windows" && s.IpAddress == "203.0.113.7");
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(UserSession.MaxUserAgentLength, (await db.UserSessions.SingleAsync(s => s.Id == second)).UserAgent!.Length);
        }

        // Mallory cannot end Casey's session by its id; Casey can.
        Assert.False(await sessions.RevokeAsync(mallory, first));
        Assert.True(await sessions.IsActiveAsync(first, casey));
        Assert.True(await sessions.RevokeAsync(casey, first));
        Assert.False(await sessions.IsActiveAsync(first, casey));
        Assert.False(await sessions.RevokeAsync(casey, first));

        // Activity slides the idle expiry (written at most every few minutes); silence expires the session.
        clock.Advance(TimeSpan.FromHours(7));
        Assert.True(await sessions.ValidateAsync(second, casey));
        clock.Advance(TimeSpan.FromHours(7));
        Assert.True(await sessions.IsActiveAsync(second, casey));
        Assert.False(await sessions.IsActiveAsync(other, mallory));
        Assert.DoesNotContain(await sessions.ListAsync(mallory), s => s.Id == other);
        clock.Advance(SessionService.IdleTimeout);
        Assert.False(await sessions.IsActiveAsync(second, casey));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Signing_out_others_keeps_the_current_session(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var sessions = Service(database);
        var casey = await AddUserAsync(database, "casey@example.test");
        var current = await sessions.CreateAsync(casey, null, Chrome);
        var a = await sessions.CreateAsync(casey, null, Chrome);
        var b = await sessions.CreateAsync(casey, null, Chrome);

        Assert.Equal(2, await sessions.RevokeOthersAsync(casey, current));
        Assert.True(await sessions.IsActiveAsync(current, casey));
        Assert.False(await sessions.IsActiveAsync(a, casey));
        Assert.False(await sessions.IsActiveAsync(b, casey));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_database_decides_when_the_cache_has_no_entry(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var sessions = Service(database);
        var casey = await AddUserAsync(database, "casey@example.test");
        var live = await sessions.CreateAsync(casey, null, Chrome);
        var revoked = await sessions.CreateAsync(casey, null, Chrome);

        await cache.RemoveAsync(SessionService.CacheKey(live));
        Assert.True(await sessions.IsActiveAsync(live, casey));
        Assert.NotNull(await cache.GetAsync(SessionService.CacheKey(live)));

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            await db.UserSessions.Where(s => s.Id == revoked).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow().UtcDateTime));
        }

        await cache.RemoveAsync(SessionService.CacheKey(revoked));
        Assert.False(await sessions.IsActiveAsync(revoked, casey));
        Assert.Null(await cache.GetAsync(SessionService.CacheKey(revoked)));
        Assert.False(await sessions.IsActiveAsync(Guid.NewGuid(), casey));
    }

    [Theory]
    [InlineData(null, "Unknown browser on unknown device")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    public void Devices_get_a_friendly_name(string? userAgent, string expected) => Assert.Equal(expected, DeviceDescription.From(userAgent));

    private SessionService Service(TestDatabase database) =>
        new(database.Factory, cache, clock, NullLogger<SessionService>.Instance);

    private static async Task<Guid> AddUserAsync(TestDatabase database, string email)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var user = new ApplicationUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }
}
