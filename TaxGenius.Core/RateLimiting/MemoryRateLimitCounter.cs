using System.Collections.Concurrent;

namespace TaxGenius.Core.RateLimiting;

/// <summary>Counters in this process's memory, for the embedded single-instance setup (no Redis). Past windows are swept out.</summary>
public sealed class MemoryRateLimitCounter(TimeProvider time) : IRateLimitCounter
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Policy, string Subject, long Window), Counter> counters = new();
    private long nextSweepTicks;

    internal int Count => counters.Count;

    public Task<RateLimitDecision> HitAsync(string policy, string subject, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        SweepIfDue(now);
        var current = RateLimitWindow.At(now, window);
        var counter = counters.GetOrAdd((policy, subject, current.Index), static (_, end) => new Counter(end), now + current.UntilEnd);
        var count = Interlocked.Increment(ref counter.Hits);
        return Task.FromResult(RateLimitDecision.For(count, limit, current.UntilEnd));
    }

    public Task<long> PeekAsync(string policy, string subject, TimeSpan window, CancellationToken ct)
    {
        var current = RateLimitWindow.At(time.GetUtcNow(), window);
        return Task.FromResult(counters.TryGetValue((policy, subject, current.Index), out var counter) ? Interlocked.Read(ref counter.Hits) : 0L);
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (key, counter) in counters)
        {
            if (counter.WindowEnd <= now)
            {
                counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter(DateTimeOffset windowEnd)
    {
        public readonly DateTimeOffset WindowEnd = windowEnd;
        public long Hits;
    }
}
