using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Live;

/// <summary>
/// Live events for open pages, by topic (a client's id for their documents, the firm for the board). A page subscribes to a topic;
/// a change published anywhere reaches it. This class delivers within the process; <see cref="RedisLiveEvents{TEvent}"/> carries
/// events between instances.
/// </summary>
public class LiveEvents<TEvent>(Func<TEvent, Guid> topicOf, ILogger logger)
{
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<TEvent, Task>>> subscribers = new();
    private ImmutableList<Func<Task>> resyncHandlers = [];

    public virtual Task PublishAsync(TEvent change, CancellationToken cancellationToken = default) => DispatchAsync(change);

    public IDisposable Subscribe(Guid topic, Func<TEvent, Task> handler)
    {
        subscribers.AddOrUpdate(topic, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() => subscribers.AddOrUpdate(topic, _ => [], (_, list) => list.Remove(handler)));
    }

    /// <summary>
    /// Called when the live channel comes back after an outage: events sent meanwhile were lost, so an open page reloads (or checks
    /// the version of) what it shows. Never called while events flow normally.
    /// </summary>
    public IDisposable SubscribeResync(Func<Task> handler)
    {
        ImmutableInterlocked.Update(ref resyncHandlers, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref resyncHandlers, list => list.Remove(handler)));
    }

    public int SubscriberCount(Guid topic) => subscribers.TryGetValue(topic, out var list) ? list.Count : 0;

    protected async Task DispatchAsync(TEvent change)
    {
        if (!subscribers.TryGetValue(topicOf(change), out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                await handler(change);
            }
            catch (Exception ex)
            {
                // One broken page must not stop the others from hearing about the change.
                DocumentsLog.SubscriberFailed(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>Tells every open page that events may have been lost (the live channel was away and is back).</summary>
    protected async Task ResyncAllAsync()
    {
        foreach (var handler in resyncHandlers)
        {
            try
            {
                await handler();
            }
            catch (Exception ex)
            {
                DocumentsLog.SubscriberFailed(logger, ex.GetType().Name);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}

/// <summary>Events over one Redis pub/sub channel, so a change on one instance reaches circuits on every instance.</summary>
public class RedisLiveEvents<TEvent> : LiveEvents<TEvent>
{
    private readonly IConnectionMultiplexer redis;
    private readonly ILogger logger;
    private readonly RedisChannel channel;
    private int subscribed;

    public RedisLiveEvents(IConnectionMultiplexer redis, string channelName, Func<TEvent, Guid> topicOf, ILogger logger) : base(topicOf, logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        this.redis = redis;
        this.logger = logger;
        channel = RedisChannel.Literal(channelName);
        // StackExchange.Redis restores the subscription by itself when the connection comes back; whatever was published while it
        // was away is lost (pub/sub keeps nothing), so the open pages are told to catch up. An instance whose first use of
        // events falls inside an outage subscribes when Redis returns.
        // (With RESP3, subscriptions share the interactive connection, so any restored connection counts; a second resync costs
        // each page one cheap version check.)
        redis.ConnectionRestored += (_, _) =>
        {
            if (Volatile.Read(ref subscribed) == 0)
            {
                TrySubscribe();
            }

            ResyncAllAsync().ContinueWith(static _ => { }, TaskScheduler.Default);
        };
        TrySubscribe();
    }

    private void TrySubscribe()
    {
        try
        {
            redis.GetSubscriber().Subscribe(channel, (_, message) =>
            {
                if (message.HasValue && JsonSerializer.Deserialize<TEvent>((string)message!, JsonSerializerOptions.Web) is { } change)
                {
                    DispatchAsync(change).ContinueWith(static _ => { }, TaskScheduler.Default);
                }
            });
            Volatile.Write(ref subscribed, 1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away as this instance starts listening: its own pages still hear its own changes (PublishAsync falls back).
            DocumentsLog.PublishFailed(logger, ex.GetType().Name);
        }
    }

    public override async Task PublishAsync(TEvent change, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(channel, JsonSerializer.Serialize(change, JsonSerializerOptions.Web));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: pages on this instance still hear about it; other instances catch up on their next load.
            DocumentsLog.PublishFailed(logger, ex.GetType().Name);
            await DispatchAsync(change);
        }
    }
}
