using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Caching;

/// <summary>
/// Invalidates the cached summaries a save changes, whatever code path saved (pages, Identity's stores, jobs).
/// Keys are collected before the save and removed once it is committed (after the transaction, when there is one: a reader in between
/// would cache the old values again). Bulk ExecuteUpdate/ExecuteDelete bypass
/// the change tracker: their callers invalidate themselves. Security versions (<see cref="SecurityVersions"/>) are removed here too, which
/// is what makes a lock, deactivation, role change or token revocation take effect at once on every instance.
/// </summary>
public sealed class CacheInvalidationInterceptor(IServiceProvider services) : AfterCommitInterceptor<HashSet<string>>
{
    protected override HashSet<string>? Collect(DbContext context)
    {
        var keys = context.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .SelectMany(KeysFor).ToHashSet(StringComparer.Ordinal);
        return keys.Count == 0 ? null : keys;
    }

    protected override HashSet<string> Merge(HashSet<string> earlier, HashSet<string> later)
    {
        earlier.UnionWith(later);
        return earlier;
    }

    protected override async Task OnCommittedAsync(HashSet<string> keys, CancellationToken cancellationToken)
    {
        if (services.GetService<TaxGeniusCache>() is { } cache)
        {
            await cache.InvalidateAsync(keys, cancellationToken);
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
            case Engagements.Engagement e:
                yield return CacheKeys.ClientSummary(e.ClientId);
                break;
            case Profile p:
                yield return CacheKeys.UserGreeting(p.UserId);
                yield return CacheKeys.ClientSummary(p.UserId);
                yield return CacheKeys.SecurityVersion(p.UserId);
                break;
            case ApplicationUser u:
                // Any change to the account (lock, deactivation, stamp, confirmation, two-factor, lockout, deletion) retires what was
                // cached about authenticating it.
                yield return CacheKeys.UserGreeting(u.Id);
                yield return CacheKeys.ClientSummary(u.Id);
                yield return CacheKeys.SecurityVersion(u.Id);
                if (entry.State == EntityState.Deleted)
                {
                    yield return CacheKeys.UsersByRole;
                    yield return CacheKeys.DocumentCounts;
                }

                break;
            case IdentityUserRole<Guid> ur:
                yield return CacheKeys.UsersByRole;
                yield return CacheKeys.SecurityVersion(ur.UserId);
                break;
            case IdentityUserClaim<Guid> uc:
                yield return CacheKeys.SecurityVersion(uc.UserId);
                break;
            case ApiTokens.ApiToken t:
                // A revocation (or any change to a token) retires the owner's cached token principals.
                yield return CacheKeys.SecurityVersion(t.UserId);
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
}
