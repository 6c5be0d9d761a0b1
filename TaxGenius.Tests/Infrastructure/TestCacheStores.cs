using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The distributed cache's two stores for tests: real Redis (production; each store under a key prefix of its own) and the in-process
/// cache (the embedded default). Every store made here is closed when the holder is disposed.
/// </summary>
public sealed class TestCacheStores : IDisposable
{
    private readonly List<IDistributedCache> stores = [];

    /// <summary>The kinds a test runs on: <c>[MemberData(nameof(TestCacheStores.Kinds), MemberType = typeof(TestCacheStores))]</c>.</summary>
    public static TheoryData<string> Kinds => ["redis", "memory"];

    /// <summary>A fresh store of <paramref name="kind"/>; on Redis its keys start with <paramref name="prefix"/> and a new id.</summary>
    public IDistributedCache Create(string kind, string prefix) => Add(kind == "redis"
        ? new RedisCache(Options.Create(new RedisCacheOptions { Configuration = TestEnvironment.Redis, InstanceName = $"{prefix}-{Guid.NewGuid():N}:" }))
        : new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));

    /// <summary>Closes <paramref name="store"/> with the others.</summary>
    public IDistributedCache Add(IDistributedCache store)
    {
        stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in stores.OfType<IDisposable>())
        {
            store.Dispose();
        }
    }
}
