using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Live;

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
public class LocalDocumentEvents(ILogger<LocalDocumentEvents> logger) : LiveEvents<DocumentStatusChanged>(c => c.OwnerId, logger), IDocumentEvents;

/// <summary>Events over Redis pub/sub, so a change on one instance reaches circuits on every instance.</summary>
public sealed class RedisDocumentEvents(IConnectionMultiplexer redis, string keyPrefix, ILogger<LocalDocumentEvents> logger)
    : RedisLiveEvents<DocumentStatusChanged>(redis, keyPrefix + "events:documents", c => c.OwnerId, logger), IDocumentEvents;
