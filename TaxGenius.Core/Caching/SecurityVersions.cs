using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Caching;

/// <summary>
/// A per-user "security version" in the distributed cache (Redis, shared by every instance; in-process in the embedded default) under
/// <see cref="CacheKeys.SecurityVersion"/>: a random value that is replaced whenever anything an authentication decision rests on
/// changes. Instance-local caches of authentication results (an API token's principal) remember the version they were built under and
/// are used only while it is still the current one, so one cache read per request makes a change on any instance take effect on the
/// very next request everywhere.
/// <para>
/// Invalidation is removal: <see cref="CacheInvalidationInterceptor"/> removes the key after every committed save that touches the
/// user, their roles or claims, or their API tokens (lock, deactivation, role change, stamp, revocation, deletion). The next reader
/// stores a new random value, which no earlier entry can carry. A reader takes the version <em>before</em> it reads the database, so
/// an entry built from data read before a change was committed carries a version the change's removal has since retired.
/// </para>
/// When the cache is unreachable there is no version (null) and callers must not use, nor fill, their local caches.
/// </summary>
public sealed class SecurityVersions(IDistributedCache cache, ILogger<SecurityVersions> logger)
{
    /// <summary>How long an unchanged version lives in the cache (a new one merely costs every local entry of the user a reload).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>The user's current version (made when there is none), or null when the cache cannot be reached.</summary>
    public async Task<string?> CurrentAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var key = CacheKeys.SecurityVersion(userId);
        try
        {
            if (await cache.GetAsync(key, cancellationToken) is { } bytes)
            {
                return Encoding.ASCII.GetString(bytes);
            }

            var version = Guid.NewGuid().ToString("N");
            await cache.SetAsync(key, Encoding.ASCII.GetBytes(version),
                new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime }, cancellationToken);
            return version;
        }
        catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
        {
            CachingLog.Unavailable(logger, "security version", ex.GetType().Name);
            return null;
        }
    }
}
