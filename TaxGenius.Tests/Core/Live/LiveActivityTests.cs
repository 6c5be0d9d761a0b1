using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using TaxGenius.Core.Live;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Live;

/// <summary>
/// When live groups last had an event, on both stores (real Redis, shared by instances; the in-process cache of the embedded
/// default), and with Redis unreachable: a tab that asks then is told to catch up, and sending goes on.
/// </summary>
public sealed class LiveActivityTests : IDisposable
{
    private readonly TestCacheStores stores = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Stores => TestCacheStores.Kinds;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_group_counts_as_changed_since_a_time_only_when_it_was_sent_something_at_or_after_it(string kind)
    {
        var activity = Activity(kind);
        var loaded = clock.GetUtcNow();

        Assert.False(await activity.ChangedSinceAsync(["user:a"], loaded));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        await activity.TouchAsync("user:a");

        Assert.True(await activity.ChangedSinceAsync(["user:a"], loaded));
        Assert.True(await activity.ChangedSinceAsync(["user:b", "user:a"], loaded));
        Assert.False(await activity.ChangedSinceAsync(["user:b", "staff"], loaded));
        // A page loaded after the event (beyond the allowance for two instances' clocks) has nothing to catch up on.
        Assert.False(await activity.ChangedSinceAsync(["user:a"], clock.GetUtcNow() + LiveActivity.ClockSkew + TimeSpan.FromMilliseconds(1)));
        Assert.True(await activity.ChangedSinceAsync(["user:a"], clock.GetUtcNow() + LiveActivity.ClockSkew));
    }

    [Fact]
    public async Task With_Redis_unreachable_sending_goes_on_and_a_tab_that_asks_is_told_to_catch_up()
    {
        var options = ConfigurationOptions.Parse("localhost:1,abortConnect=false,connectTimeout=200");
        options.BacklogPolicy = BacklogPolicy.FailFast; // as the app configures it: fail at once while disconnected
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var store = stores.Add(new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(redis) })));
        var activity = new LiveActivity(store, clock, NullLogger<LiveActivity>.Instance);

        await activity.TouchAsync("user:a");
        Assert.True(await activity.ChangedSinceAsync(["user:a"], clock.GetUtcNow()));
    }

    private LiveActivity Activity(string kind) => new(stores.Create(kind, "tg-live-test"), clock, NullLogger<LiveActivity>.Instance);

    public void Dispose() => stores.Dispose();
}
