using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Sessions;

/// <summary>
/// Server-side session records. The database is the truth; the distributed cache (Redis in production, in-process in the embedded
/// default) holds each live session under <c>session:{id:N}</c> for <see cref="CacheLifetime"/> so that the check every request makes
/// is a cache read. Revocation writes <see cref="UserSession.RevokedAt"/> first and then removes the cache entry, so a revoked session
/// is refused from the next request on; a missing entry (evicted, flushed, Redis down) is answered from the database and cached again.
/// </summary>
public sealed class SessionService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IDistributedCache cache,
    TimeProvider timeProvider,
    ILogger<SessionService> logger)
{
    /// <summary>A session not seen for this long expires (the auth cookie's sliding lifetime is the same).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    /// <summary>LastSeenAt (and the idle expiry) is written at most this often per session.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    /// <summary>How long a live session stays in the cache before it is read from the database again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(10);

    public static string CacheKey(Guid sessionId) => $"session:{sessionId:N}";

    private sealed record CachedSession(Guid UserId, DateTime ExpiresAt, DateTime LastSeenAt);

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Records a new session for <paramref name="userId"/> and returns its id (random).</summary>
    public async Task<Guid> CreateAsync(Guid userId, string? ipAddress, string? userAgent, CancellationToken cancellationToken = default)
    {
        var now = Now;
        userAgent = string.IsNullOrWhiteSpace(userAgent) ? null : userAgent.Trim();
        var session = new UserSession
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + IdleTimeout,
            IpAddress = ipAddress is { Length: > UserSession.MaxIpAddressLength } ? ipAddress[..UserSession.MaxIpAddressLength] : ipAddress,
            UserAgent = userAgent is { Length: > UserSession.MaxUserAgentLength } ? userAgent[..UserSession.MaxUserAgentLength] : userAgent,
            Device = DeviceDescription.From(userAgent),
        };

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.UserSessions.Add(session);
            await db.SaveChangesAsync(cancellationToken);
        }

        await CacheAsync(session.Id, new CachedSession(userId, session.ExpiresAt, session.LastSeenAt), cancellationToken);
        SessionsLog.Started(logger, userId);
        return session.Id;
    }

    /// <summary>True when the session exists, belongs to <paramref name="userId"/>, is not revoked and has not expired.</summary>
    public async Task<bool> IsActiveAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken = default) =>
        IsActive(await FindAsync(sessionId, cancellationToken), userId);

    /// <summary>
    /// <see cref="IsActiveAsync"/> and, when the session is live and was last recorded more than <see cref="TouchInterval"/> ago,
    /// <see cref="TouchAsync"/>: what each request and each circuit revalidation calls.
    /// </summary>
    public async Task<bool> ValidateAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken = default)
    {
        var session = await FindAsync(sessionId, cancellationToken);
        if (!IsActive(session, userId))
        {
            return false;
        }

        if (Now - session!.LastSeenAt >= TouchInterval)
        {
            await TouchAsync(sessionId, cancellationToken);
        }

        return true;
    }

    /// <summary>Records activity: LastSeenAt now, idle expiry pushed back. At most once per <see cref="TouchInterval"/>.</summary>
    public async Task TouchAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var threshold = now - TouchInterval;
        var expires = now + IdleTimeout;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var touched = await db.UserSessions
            .Where(s => s.Id == sessionId && s.RevokedAt == null && s.ExpiresAt > now && s.LastSeenAt <= threshold)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        if (touched == 1)
        {
            // Removed rather than rewritten: a revocation racing this touch cannot be undone by a stale cache write.
            await ForgetAsync([sessionId], cancellationToken);
        }
    }

    /// <summary>The user's live sessions, most recently active first.</summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastSeenAt).ThenByDescending(s => s.CreatedAt)
            .Select(s => new SessionView(s.Id, s.Device, s.IpAddress, s.CreatedAt, s.LastSeenAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Ends one of <paramref name="userId"/>'s own sessions. False when there is no such live session of theirs: another user's
    /// session id is treated exactly like an unknown one.
    /// </summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid sessionId, string reason = SessionRevocationReasons.SignedOutElsewhere,
        CancellationToken cancellationToken = default)
    {
        var now = Now;
        int revoked;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            revoked = await db.UserSessions
                .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        }

        if (revoked == 1)
        {
            await ForgetAsync([sessionId], cancellationToken);
            SessionsLog.Ended(logger, userId, 1, reason);
        }

        return revoked == 1;
    }

    /// <summary>Ends every live session of the user except <paramref name="currentSessionId"/>; returns how many ended.</summary>
    public async Task<int> RevokeOthersAsync(Guid userId, Guid currentSessionId, CancellationToken cancellationToken = default)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await RevokeInAsync(db, userId, currentSessionId, SessionRevocationReasons.SignedOutElsewhere, cancellationToken);
        }

        await ForgetAsync(ids, cancellationToken);
        SessionsLog.Ended(logger, userId, ids.Count, SessionRevocationReasons.SignedOutElsewhere);
        return ids.Count;
    }

    /// <summary>Marks the user's live sessions (all, or all but <paramref name="except"/>) revoked in <paramref name="db"/>'s transaction.</summary>
    internal async Task<List<Guid>> RevokeInAsync(TaxGeniusDbContext db, Guid userId, Guid? except, string reason, CancellationToken cancellationToken)
    {
        var now = Now;
        var live = db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null && (except == null || s.Id != except));
        var ids = await live.Select(s => s.Id).ToListAsync(cancellationToken);
        if (ids.Count > 0)
        {
            await db.UserSessions.Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        }

        return ids;
    }

    /// <summary>Removes the sessions' cache entries (after the database change committed).</summary>
    internal async Task ForgetAsync(IEnumerable<Guid> sessionIds, CancellationToken cancellationToken)
    {
        foreach (var id in sessionIds)
        {
            try
            {
                await cache.RemoveAsync(CacheKey(id), cancellationToken);
            }
            catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
            {
                // While Redis is unreachable every check falls back to the database, which already says revoked; an entry that
                // survives the outage would answer "live" for at most CacheLifetime.
                SessionsLog.CacheUnavailable(logger, "invalidate", ex.GetType().Name);
            }
        }
    }

    private bool IsActive(CachedSession? session, Guid userId) => session is not null && session.UserId == userId && session.ExpiresAt > Now;

    /// <summary>The live session from the cache, else from the database (cached again); null when unknown or revoked.</summary>
    private async Task<CachedSession?> FindAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        try
        {
            if (await cache.GetAsync(CacheKey(sessionId), cancellationToken) is { } bytes)
            {
                return JsonSerializer.Deserialize<CachedSession>(bytes, JsonSerializerOptions.Web);
            }
        }
        catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
        {
            SessionsLog.CacheUnavailable(logger, "read", ex.GetType().Name);
            return await LoadAsync(sessionId, cancellationToken);
        }

        var session = await LoadAsync(sessionId, cancellationToken);
        if (session is not null)
        {
            await CacheAsync(sessionId, session, cancellationToken);
        }

        return session;
    }

    private async Task<CachedSession?> LoadAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.RevokedAt == null)
            .Select(s => new CachedSession(s.UserId, s.ExpiresAt, s.LastSeenAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    private async Task CacheAsync(Guid sessionId, CachedSession session, CancellationToken cancellationToken)
    {
        var lifetime = session.ExpiresAt - Now;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await cache.SetAsync(CacheKey(sessionId), JsonSerializer.SerializeToUtf8Bytes(session, JsonSerializerOptions.Web),
                new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime < CacheLifetime ? lifetime : CacheLifetime },
                cancellationToken);
        }
        catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
        {
            SessionsLog.CacheUnavailable(logger, "write", ex.GetType().Name);
        }
    }
}
