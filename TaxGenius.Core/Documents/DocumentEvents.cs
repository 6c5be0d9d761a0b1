using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TaxGenius.Core.Documents;

/// <summary>A document's status changed: what a client's open page needs to update itself.</summary>
public sealed record DocumentStatusChanged(Guid DocumentId, Guid OwnerId, DocumentStatus Status, string? RejectionReason, DateTime ChangedAt);

/// <summary>
/// Live document events for open pages. A page subscribes for its user; a change made anywhere (this instance or another)
/// reaches it. With Redis, events travel over one pub/sub channel that every instance listens to and fans out to its
/// own circuits; without Redis they stay in the process.
/// </summary>
public interface IDocumentEvents
{
    Task PublishAsync(DocumentStatusChanged change, CancellationToken cancellationToken = default);

    IDisposable Subscribe(Guid ownerId, Func<DocumentStatusChanged, Task> handler);

    /// <summary>
    /// Called when the live channel comes back after an outage: events sent meanwhile were lost, so an open page reloads (or
    /// checks the version of) what it shows. Never called while events flow normally.
    /// </summary>
    IDisposable SubscribeResync(Func<Task> handler);
}

/// <summary>Delivers events to this process's subscribers.</summary>
public class LocalDocumentEvents(ILogger<LocalDocumentEvents> logger) : IDocumentEvents
{
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<DocumentStatusChanged, Task>>> subscribers = new();
    private ImmutableList<Func<Task>> resyncHandlers = [];

    public virtual Task PublishAsync(DocumentStatusChanged change, CancellationToken cancellationToken = default) => DispatchAsync(change);

    public IDisposable Subscribe(Guid ownerId, Func<DocumentStatusChanged, Task> handler)
    {
        subscribers.AddOrUpdate(ownerId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() => subscribers.AddOrUpdate(ownerId, _ => [], (_, list) => list.Remove(handler)));
    }

    public IDisposable SubscribeResync(Func<Task> handler)
    {
        ImmutableInterlocked.Update(ref resyncHandlers, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref resyncHandlers, list => list.Remove(handler)));
    }

    public int SubscriberCount(Guid ownerId) => subscribers.TryGetValue(ownerId, out var list) ? list.Count : 0;

    protected async Task DispatchAsync(DocumentStatusChanged change)
    {
        if (!subscribers.TryGetValue(change.OwnerId, out var handlers))
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

/// <summary>Events over Redis pub/sub, so a change on one instance reaches circuits on every instance.</summary>
public sealed class RedisDocumentEvents : LocalDocumentEvents
{
    private readonly IConnectionMultiplexer redis;
    private readonly ILogger<LocalDocumentEvents> logger;
    private readonly RedisChannel channel;

    public RedisDocumentEvents(IConnectionMultiplexer redis, string keyPrefix, ILogger<LocalDocumentEvents> logger) : base(logger)
    {
        this.redis = redis;
        this.logger = logger;
        channel = RedisChannel.Literal(keyPrefix + "events:documents");
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

    private int subscribed;

    private void TrySubscribe()
    {
        try
        {
            redis.GetSubscriber().Subscribe(channel, (_, message) =>
            {
                if (message.HasValue && JsonSerializer.Deserialize<DocumentStatusChanged>((string)message!, JsonSerializerOptions.Web) is { } change)
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

    public override async Task PublishAsync(DocumentStatusChanged change, CancellationToken cancellationToken = default)
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
