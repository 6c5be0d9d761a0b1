using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Data;
using TaxGenius.Core.Live;

namespace TaxGenius.Core.Engagements;

/// <summary>An engagement, or its checklist, changed: open boards reload.</summary>
public sealed record EngagementChanged(Guid EngagementId)
{
    /// <summary>Every board listens to the firm's topic: a move anywhere is news to all of them.</summary>
    public static readonly Guid Firm = Guid.Empty;
}

/// <summary>Live engagement events for open boards, across instances when Redis is configured.</summary>
public interface IEngagementEvents
{
    Task PublishAsync(EngagementChanged change, CancellationToken cancellationToken = default);

    IDisposable Subscribe(Guid topic, Func<EngagementChanged, Task> handler);

    IDisposable SubscribeResync(Func<Task> handler);
}

public sealed class LocalEngagementEvents(ILogger<LocalEngagementEvents> logger)
    : LiveEvents<EngagementChanged>(_ => EngagementChanged.Firm, logger), IEngagementEvents;

public sealed class RedisEngagementEvents(IConnectionMultiplexer redis, string keyPrefix, ILogger<LocalEngagementEvents> logger)
    : RedisLiveEvents<EngagementChanged>(redis, keyPrefix + "events:engagements", _ => EngagementChanged.Firm, logger), IEngagementEvents;

/// <summary>
/// Publishes <see cref="EngagementChanged"/> once a save that touched an engagement or a request item has committed, whatever path
/// saved it (a move on the board, a client's upload, the automatic advance), so open boards follow without a reload.
/// </summary>
public sealed class EngagementEventsInterceptor(IServiceProvider services) : AfterCommitInterceptor<HashSet<Guid>>
{
    protected override HashSet<Guid>? Collect(DbContext context)
    {
        var changed = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity switch
            {
                Engagement engagement => engagement.Id,
                RequestItem item => item.EngagementId,
                _ => Guid.Empty,
            })
            .Where(id => id != Guid.Empty).ToHashSet();
        return changed.Count == 0 ? null : changed;
    }

    protected override HashSet<Guid> Merge(HashSet<Guid> earlier, HashSet<Guid> later)
    {
        earlier.UnionWith(later);
        return earlier;
    }

    protected override async Task OnCommittedAsync(HashSet<Guid> changed, CancellationToken cancellationToken)
    {
        if (services.GetService<IEngagementEvents>() is not { } events)
        {
            return;
        }

        foreach (var id in changed)
        {
            try
            {
                await events.PublishAsync(new EngagementChanged(id), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The data is saved; a board that missed this hears the next change or reloads on resync.
                Documents.DocumentsLog.PublishFailed(services.GetRequiredService<ILogger<LocalEngagementEvents>>(), ex.GetType().Name);
            }
        }
    }
}
