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
}

/// <summary>Delivers events to this process's subscribers.</summary>
public class LocalDocumentEvents(ILogger<LocalDocumentEvents> logger) : IDocumentEvents
{
    private readonly ConcurrentDictionary<Guid, ImmutableList<Func<DocumentStatusChanged, Task>>> subscribers = new();

    public virtual Task PublishAsync(DocumentStatusChanged change, CancellationToken cancellationToken = default) => DispatchAsync(change);

    public IDisposable Subscribe(Guid ownerId, Func<DocumentStatusChanged, Task> handler)
    {
        subscribers.AddOrUpdate(ownerId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(() => subscribers.AddOrUpdate(ownerId, _ => [], (_, list) => list.Remove(handler)));
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
        // StackExchange.Redis restores the subscription by itself when the connection comes back.
        redis.GetSubscriber().Subscribe(channel, (_, message) =>
        {
            if (message.HasValue && JsonSerializer.Deserialize<DocumentStatusChanged>((string)message!, JsonSerializerOptions.Web) is { } change)
            {
                DispatchAsync(change).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        });
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
