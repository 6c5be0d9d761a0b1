namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// Two app instances on one PostgreSQL database and one Redis, as behind a load balancer: the shared Redis of the test run, or a
/// private one (<see cref="PrivateRedis"/>) that a test may stop and start. In process (test server) or on real sockets (Kestrel,
/// for a browser).
/// </summary>
public sealed class TwoInstances : IAsyncDisposable
{
    private TwoInstances(TestDatabase database, TaxGeniusAppFactory a, TaxGeniusAppFactory b, PrivateRedis? redis)
    {
        Database = database;
        A = a;
        B = b;
        Redis = redis;
    }

    public TestDatabase Database { get; }
    public TaxGeniusAppFactory A { get; }
    public TaxGeniusAppFactory B { get; }

    /// <summary>The instances' own Redis, when they were started with one.</summary>
    public PrivateRedis? Redis { get; }

    /// <summary>Starts both; <paramref name="settings"/> are given to both (a shared S3 bucket, a trusted proxy).</summary>
    public static async Task<TwoInstances> StartAsync(bool kestrel = false, bool privateRedis = false, IDictionary<string, string?>? settings = null)
    {
        PrivateRedis? redis = null;
        if (privateRedis)
        {
            redis = new PrivateRedis();
            await redis.StartAsync();
        }

        var shared = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (redis is not null)
        {
            shared["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        var database = await TestDatabase.CreateAsync(TaxGenius.Core.Data.DatabaseProvider.Postgres, migrate: false);
        var a = await TaxGeniusAppFactory.CreateAsync(kestrel, shared, sharedDatabase: database);
        a.StartServer();
        var b = await TaxGeniusAppFactory.CreateAsync(kestrel, shared, sharedDatabase: database);
        b.StartServer();
        return new TwoInstances(database, a, b, redis);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}

/// <summary>Polling for a condition that another process brings about (a server stopping, a connection coming back).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(20);
        for (var waited = TimeSpan.Zero; waited < limit && !condition(); waited += TimeSpan.FromMilliseconds(100))
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), $"The condition was not met within {limit.TotalSeconds} s.");
    }
}
