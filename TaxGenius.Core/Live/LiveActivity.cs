using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Caching;

namespace TaxGenius.Core.Live;

/// <summary>
/// When each live group was last sent an event, in the distributed cache (Redis shared by every instance; in process otherwise), for
/// <see cref="Kept"/>. A freshly loaded tab opens its hub connection a moment after its page loaded what it shows; an event sent in
/// that moment reaches no connection of the tab. On connecting, the tab asks <see cref="LiveHub.ChangedSince"/> whether any of its
/// groups was sent something since its page began loading, and catches up (resync) if so. Only times are kept, never an event.
/// </summary>
public sealed class LiveActivity(IDistributedCache cache, TimeProvider clock, ILogger<LiveActivity> logger)
{
    /// <summary>How long a group's last event is remembered: far longer than a tab takes to connect after its page loaded.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromMinutes(2);

    /// <summary>Allowance for the clocks of two instances (the page loaded on one, the event sent on another).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(1);

    private static readonly DistributedCacheEntryOptions Lifetime = new() { AbsoluteExpirationRelativeToNow = Kept };

    // 1 while the cache is away: the warning is written once per outage, not once per event.
    private int away;

    /// <summary>Notes that <paramref name="group"/> was sent an event now. A cache that is away is skipped (the send goes on).</summary>
    public async Task TouchAsync(string group, CancellationToken cancellationToken = default)
    {
        try
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            await cache.SetAsync(Key(group), Encoding.ASCII.GetBytes(now), Lifetime, cancellationToken);
            Volatile.Write(ref away, 0);
        }
        catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
        {
            Unavailable(ex);
        }
    }

    /// <summary>
    /// Whether any of <paramref name="groups"/> was sent an event at or after <paramref name="since"/> (less <see cref="ClockSkew"/>).
    /// When the cache cannot say, yes: a needless reload is cheap, a stale page is not.
    /// </summary>
    public async Task<bool> ChangedSinceAsync(IEnumerable<string> groups, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var from = (since - ClockSkew).ToUnixTimeMilliseconds();
        try
        {
            foreach (var group in groups)
            {
                if (await cache.GetAsync(Key(group), cancellationToken) is { } stored
                    && long.TryParse(Encoding.ASCII.GetString(stored), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                    && last >= from)
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (TaxGeniusCache.IsCacheFailure(ex))
        {
            Unavailable(ex);
            return true;
        }
    }

    private void Unavailable(Exception ex)
    {
        if (Interlocked.Exchange(ref away, 1) == 0)
        {
            LiveLog.ActivityUnavailable(logger, ex.GetType().Name);
        }
    }

    private static string Key(string group) => "live-last:" + group;
}
