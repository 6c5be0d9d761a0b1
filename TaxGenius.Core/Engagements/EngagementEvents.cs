using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Live;

namespace TaxGenius.Core.Engagements;

/// <summary>An engagement, or its checklist, changed: open boards (staff) and the client's own pages reload what they show of it.</summary>
public sealed record EngagementChanged(Guid EngagementId, Guid ClientId);

/// <summary>
/// Sends <see cref="EngagementChanged"/> over the live hub once a save that touched an engagement or a request item has committed,
/// whatever path saved it (a move on the board, a client's upload, the automatic advance): to the staff group (boards) and to the
/// engagement's client (their request list).
/// </summary>
public sealed class EngagementEventsInterceptor(IServiceProvider services) : AfterCommitInterceptor<Dictionary<Guid, Guid>>
{
    /// <summary>Engagement id → client id (<see cref="Guid.Empty"/> until known: a request item saved without its engagement loaded).</summary>
    protected override Dictionary<Guid, Guid>? Collect(DbContext context)
    {
        var changed = new Dictionary<Guid, Guid>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Engagement engagement:
                    changed[engagement.Id] = engagement.ClientId;
                    break;
                case Signatures.SignatureRequest request:
                    changed[request.EngagementId] = request.ClientId;
                    break;
                case RequestItem item when !changed.ContainsKey(item.EngagementId):
                    changed[item.EngagementId] = context.ChangeTracker.Entries<Engagement>()
                        .FirstOrDefault(e => e.Entity.Id == item.EngagementId)?.Entity.ClientId ?? Guid.Empty;
                    break;
            }
        }

        return changed.Count == 0 ? null : changed;
    }

    protected override Dictionary<Guid, Guid> Merge(Dictionary<Guid, Guid> earlier, Dictionary<Guid, Guid> later)
    {
        foreach (var (engagement, client) in later)
        {
            if (client != Guid.Empty || !earlier.ContainsKey(engagement))
            {
                earlier[engagement] = client;
            }
        }

        return earlier;
    }

    protected override async Task OnCommittedAsync(Dictionary<Guid, Guid> changed, CancellationToken cancellationToken)
    {
        if (services.GetService<LiveChannel>() is not { } live)
        {
            return;
        }

        var unknown = changed.Where(c => c.Value == Guid.Empty).Select(c => c.Key).ToList();
        if (unknown.Count > 0)
        {
            try
            {
                await using var db = await services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync(cancellationToken);
                foreach (var row in await db.Engagements.Where(e => unknown.Contains(e.Id)).Select(e => new { e.Id, e.ClientId }).ToListAsync(cancellationToken))
                {
                    changed[row.Id] = row.ClientId;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The data is saved; the boards still hear of it below, and the client's page catches up on its next load.
            }
        }

        foreach (var (engagementId, clientId) in changed)
        {
            var change = new EngagementChanged(engagementId, clientId);
            await live.SendToStaffAsync(LiveEventNames.Engagement, change, cancellationToken);
            if (clientId != Guid.Empty)
            {
                await live.SendToUserAsync(clientId, LiveEventNames.Engagement, change, cancellationToken);
            }
        }
    }
}
