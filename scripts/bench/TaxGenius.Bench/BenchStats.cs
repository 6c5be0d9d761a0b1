using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Bench;

/// <summary>What the database benchmarks share: timing with warm-up, percentiles, and the app's context factory over a provider's.</summary>
internal static class BenchStats
{
    /// <summary>Runs <paramref name="action"/> a tenth as many times (at least 5) to warm up, then <paramref name="runs"/> timed times (ms).</summary>
    public static async Task<double[]> TimeAsync<T>(int runs, Func<Task<T>> action)
    {
        for (var i = 0; i < Math.Max(5, runs / 10); i++)
        {
            await action();
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return times;
    }

    /// <summary>The nearest-rank percentile.</summary>
    public static double Percentile(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>The app's <see cref="IDbContextFactory{TaxGeniusDbContext}"/> over a pooled factory of the PostgreSQL context.</summary>
internal sealed class BaseFactory(IDbContextFactory<PostgresTaxGeniusDbContext> inner) : IDbContextFactory<TaxGeniusDbContext>
{
    public TaxGeniusDbContext CreateDbContext() => inner.CreateDbContext();
}
