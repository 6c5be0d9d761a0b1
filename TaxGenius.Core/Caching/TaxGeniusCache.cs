using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Caching;

/// <summary>
/// Hot reads through the distributed cache (Redis in production, in-process otherwise). When the cache is
/// unreachable the value is computed from the database instead: a Redis outage slows pages down, it never breaks them.
/// </summary>
public sealed class TaxGeniusCache(IDistributedCache cache, ILogger<TaxGeniusCache> logger)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    public async Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> factory, TimeSpan? lifetime = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var cached = await cache.GetAsync(key, cancellationToken);
            if (cached is not null)
            {
                return JsonSerializer.Deserialize<T>(cached, JsonSerializerOptions.Web)!;
            }
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
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            CachingLog.Unavailable(logger, "write", ex.GetType().Name);
        }

        return value;
    }

    public async Task InvalidateAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await cache.RemoveAsync(key, cancellationToken);
            }
            catch (Exception ex) when (IsCacheFailure(ex))
            {
                // The entry expires by itself (DefaultLifetime); until then it may be stale.
                CachingLog.Unavailable(logger, "invalidate", ex.GetType().Name);
            }
        }
    }

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
