using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Caching;

/// <summary>
/// Hot reads through the distributed cache (Redis in production, in-process otherwise). When the cache is
/// unreachable the value is computed from the database instead: a Redis outage slows pages down, it never breaks them.
/// </summary>
/// <remarks>
/// A value read from the database just before a write commits could otherwise be stored just after that write's invalidation, and be
/// served, stale, for the whole lifetime (a client's checklist still saying "2 of 5" after their W-2 arrived). So every invalidation
/// also changes the key's stamp (a random value under <c>key + "|stamp"</c>) before removing the key, and a reader compares the stamp
/// it saw before loading with the one after storing: if they differ, an invalidation ran while it was loading, and it removes what it
/// stored. Whichever of the two comes last removes the value; the cost is two reads of the small stamp on a miss, none on a hit.
/// </remarks>
public sealed class TaxGeniusCache(IDistributedCache cache, ILogger<TaxGeniusCache> logger)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    public async Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> factory, TimeSpan? lifetime = null,
        CancellationToken cancellationToken = default)
    {
        byte[]? stampBefore;
        try
        {
            var cached = await cache.GetAsync(key, cancellationToken);
            if (cached is not null)
            {
                return JsonSerializer.Deserialize<T>(cached, JsonSerializerOptions.Web)!;
            }

            stampBefore = await cache.GetAsync(StampKey(key), cancellationToken);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            CachingLog.Unavailable(logger, "read", ex.GetType().Name);
            return await factory(cancellationToken);
        }

        var value = await factory(cancellationToken);
        try
        {
            await cache.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web),
                new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime ?? DefaultLifetime }, cancellationToken);
            // Not cancellable from here: a value stored but left unchecked is exactly the stale entry this guards against.
            var stampAfter = await cache.GetAsync(StampKey(key), CancellationToken.None);
            if (!(stampBefore ?? []).AsSpan().SequenceEqual(stampAfter ?? []))
            {
                await cache.RemoveAsync(key, CancellationToken.None);
            }
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            CachingLog.Unavailable(logger, "write", ex.GetType().Name);
        }

        return value;
    }

    /// <summary>Removes the keys' values, changing their stamps first so a read already loading does not store its value again.</summary>
    public async Task InvalidateAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await cache.SetAsync(StampKey(key), Guid.NewGuid().ToByteArray(),
                    new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = DefaultLifetime }, cancellationToken);
                await cache.RemoveAsync(key, cancellationToken);
            }
            catch (Exception ex) when (IsCacheFailure(ex))
            {
                // The entry expires by itself (DefaultLifetime); until then it may be stale.
                CachingLog.Unavailable(logger, "invalidate", ex.GetType().Name);
            }
        }
    }

    /// <summary>Where <paramref name="key"/>'s stamp is kept; '|' appears in no key of <see cref="CacheKeys"/>.</summary>
    private static string StampKey(string key) => key + "|stamp";

    internal static bool IsCacheFailure(Exception ex) =>
        ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException or JsonException;

}

/// <summary>Every cache key, in one place, so writes know what to invalidate.</summary>
public static class CacheKeys
{
    public const string DocumentCounts = "counts:documents";
    public const string UsersByRole = "counts:users-by-role";
    public const string FirmSettings = "firm:settings";

    public static string UserGreeting(Guid userId) => $"user:{userId:N}:greeting";

    /// <summary>
    /// The user's security version (<see cref="SecurityVersions"/>): removed by every change to the account, its roles, claims, profile
    /// or API tokens.
    /// </summary>
    public static string SecurityVersion(Guid userId) => $"user:{userId:N}:security-version";
    public static string ClientSummary(Guid userId) => $"client:{userId:N}:summary";
    public static string ReferrerSummary(Guid userId) => $"referrer:{userId:N}:summary";
    public static string ReferrerStats(Guid userId) => $"referrer:{userId:N}:referral-stats";
}
