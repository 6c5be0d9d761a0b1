using Microsoft.Extensions.Logging.Abstractions;
using TaxGenius.Core.Caching;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Caching;

/// <summary>The hot-read cache on both of its stores: real Redis (production) and the in-process cache (the embedded default).</summary>
public sealed class TaxGeniusCacheTests : IDisposable
{
    private readonly TestCacheStores stores = new();

    public static TheoryData<string> Stores => TestCacheStores.Kinds;

    /// <summary>The cache over a fresh store of <paramref name="kind"/> (its own Redis key prefix), closed when the test ends.</summary>
    private TaxGeniusCache Cache(string kind) => new(stores.Create(kind, "tg-cache-test"), NullLogger<TaxGeniusCache>.Instance);

    public void Dispose() => stores.Dispose();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_value_is_loaded_once_and_served_from_the_cache_until_invalidated(string kind)
    {
        var cache = Cache(kind);
        var loads = 0;
        Task<int> Load(CancellationToken _) => Task.FromResult(++loads);

        Assert.Equal(1, await cache.GetOrCreateAsync("summary", Load));
        Assert.Equal(1, await cache.GetOrCreateAsync("summary", Load));

        await cache.InvalidateAsync(["summary"]);
        Assert.Equal(2, await cache.GetOrCreateAsync("summary", Load));
        Assert.Equal(2, await cache.GetOrCreateAsync("summary", Load));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_value_read_before_a_write_and_stored_after_its_invalidation_is_not_served_afterwards(string kind)
    {
        var cache = Cache(kind);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A page loads the checklist from the database before the client's upload commits...
        var slowReader = cache.GetOrCreateAsync("checklist", async _ =>
        {
            reading.SetResult();
            await release.Task;
            return "2 of 5 done";
        });
        await reading.Task;

        // ...the upload commits and invalidates, and only then does the slow reader store what it read.
        await cache.InvalidateAsync(["checklist"]);
        release.SetResult();
        Assert.Equal("2 of 5 done", await slowReader);

        // The next reader loads the checklist as it is now, not the stale value.
        Assert.Equal("3 of 5 done", await cache.GetOrCreateAsync("checklist", _ => Task.FromResult("3 of 5 done")));
        Assert.Equal("3 of 5 done", await cache.GetOrCreateAsync("checklist", _ => Task.FromResult("never loaded: cached")));
    }
}
