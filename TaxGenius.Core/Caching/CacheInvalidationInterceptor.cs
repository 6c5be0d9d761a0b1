using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Caching;

/// <summary>
/// Invalidates the cached summaries a save changes, whatever code path saved (pages, Identity's stores, jobs).
/// Keys are collected before the save and removed after it succeeded. Bulk ExecuteUpdate/ExecuteDelete bypass
/// the change tracker: their callers invalidate themselves.
/// </summary>
public sealed class CacheInvalidationInterceptor(IServiceProvider services) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        InvalidateAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        await InvalidateAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is not null)
        {
            pending.Remove(eventData.Context);
        }
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var keys = pending.GetOrCreateValue(context);
        foreach (var entry in context.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            keys.UnionWith(KeysFor(entry));
        }
    }

    internal static IEnumerable<string> KeysFor(EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case Document d:
                yield return CacheKeys.DocumentCounts;
                yield return CacheKeys.ClientSummary(d.UserId);
                break;
            case Profile p:
                yield return CacheKeys.UserGreeting(p.UserId);
                yield return CacheKeys.ClientSummary(p.UserId);
                break;
            case ApplicationUser u:
                yield return CacheKeys.UserGreeting(u.Id);
                yield return CacheKeys.ClientSummary(u.Id);
                if (entry.State == EntityState.Deleted)
                {
                    yield return CacheKeys.UsersByRole;
                    yield return CacheKeys.DocumentCounts;
                }

                break;
            case IdentityUserRole<Guid>:
                yield return CacheKeys.UsersByRole;
                break;
            case Referral r:
                yield return CacheKeys.ReferrerSummary(r.ReferrerId);
                yield return CacheKeys.ReferrerStats(r.ReferrerId);
                break;
            case ReferralCode c:
                yield return CacheKeys.ReferrerStats(c.ReferrerId);
                break;
            case ReferralClick c:
                yield return CacheKeys.ReferrerStats(c.ReferrerId);
                break;
            case ReferrerCommissionRate c:
                yield return CacheKeys.ReferrerStats(c.ReferrerId);
                break;
            case Settings.FirmSettings:
                yield return CacheKeys.FirmSettings;
                break;
        }
    }

    private async Task InvalidateAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || !pending.TryGetValue(context, out var keys))
        {
            return;
        }

        pending.Remove(context);
        if (keys.Count > 0 && services.GetService<TaxGeniusCache>() is { } cache)
        {
            await cache.InvalidateAsync(keys, cancellationToken);
        }
    }
}
