namespace TaxGenius.Core.RateLimiting;

/// <summary>Counts hits in fixed windows (window index = Unix milliseconds / window milliseconds, from the TimeProvider).</summary>
public interface IRateLimitCounter
{
    /// <summary>Counts one hit of <paramref name="subject"/> (a user id or an IP, never an e-mail) against <paramref name="policy"/>.</summary>
    Task<RateLimitDecision> HitAsync(string policy, string subject, int limit, TimeSpan window, CancellationToken ct);

    /// <summary>The hits of <paramref name="subject"/> in the current window, without counting one (0 when the counter is unreachable).</summary>
    Task<long> PeekAsync(string policy, string subject, TimeSpan window, CancellationToken ct);
}

/// <summary>The answer to one hit. <see cref="RetryAfter"/> is the time left in the window (at least a second when refused).</summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, TimeSpan RetryAfter)
{
    /// <summary>The decision for the <paramref name="count"/>-th hit in a window that ends <paramref name="untilWindowEnd"/> from now.</summary>
    internal static RateLimitDecision For(long count, int limit, TimeSpan untilWindowEnd)
    {
        var allowed = count <= limit;
        var remaining = (int)Math.Clamp(limit - count, 0, limit);
        var retryAfter = allowed || untilWindowEnd >= TimeSpan.FromSeconds(1) ? untilWindowEnd : TimeSpan.FromSeconds(1);
        return new RateLimitDecision(allowed, limit, remaining, retryAfter);
    }
}

/// <summary>The fixed window that contains an instant.</summary>
internal readonly record struct RateLimitWindow(long Index, TimeSpan UntilEnd)
{
    public static RateLimitWindow At(DateTimeOffset now, TimeSpan window)
    {
        var windowMs = Math.Max(1L, (long)window.TotalMilliseconds);
        var nowMs = now.ToUnixTimeMilliseconds();
        var index = Math.DivRem(nowMs, windowMs, out var intoWindow);
        if (intoWindow < 0)
        {
            // Before 1970 (only a test clock gets there): floor, not truncation.
            index--;
            intoWindow += windowMs;
        }

        return new RateLimitWindow(index, TimeSpan.FromMilliseconds(windowMs - intoWindow));
    }
}
