using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Caching;

namespace TaxGenius.Core.RateLimiting;

/// <summary>
/// Counters in Redis, shared by every instance: key <c>{prefix}rl:{policy}:{subject}:{windowIndex}</c>, one INCR (plus PEXPIRE of
/// twice the window on the first hit) in a single atomic script. When Redis fails the request is allowed (fail open).
/// </summary>
public sealed class RedisRateLimitCounter(
    IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisRateLimitCounter> logger, string keyPrefix = RedisKeys.DefaultPrefix)
    : IRateLimitCounter
{
    private const string HitScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        return count
        """;

    public async Task<long> PeekAsync(string policy, string subject, TimeSpan window, CancellationToken ct)
    {
        var current = RateLimitWindow.At(time.GetUtcNow(), window);
        try
        {
            var value = await redis.GetDatabase().StringGetAsync($"{keyPrefix}rl:{policy}:{subject}:{current.Index}").WaitAsync(ct);
            return value.TryParse(out long count) ? count : 0;
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            RateLimitLog.CounterUnavailable(logger, policy, ex.GetType().Name, ex);
            return 0;
        }
    }

    public async Task<RateLimitDecision> HitAsync(string policy, string subject, int limit, TimeSpan window, CancellationToken ct)
    {
        var current = RateLimitWindow.At(time.GetUtcNow(), window);
        RedisKey key = $"{keyPrefix}rl:{policy}:{subject}:{current.Index}";
        var expiryMs = 2 * Math.Max(1L, (long)window.TotalMilliseconds);
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(HitScript, [key], [expiryMs]).WaitAsync(ct);
            return RateLimitDecision.For((long)result, limit, current.UntilEnd);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // Redis is away: better to let requests through than to lock everyone out of the site.
            RateLimitLog.CounterUnavailable(logger, policy, ex.GetType().Name, ex);
            return new RateLimitDecision(true, limit, limit, current.UntilEnd);
        }
    }
}
