using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Settings;

/// <summary>Reads (cached; every save invalidates) and changes the firm's settings. Changes are for active administrators and audited.</summary>
public sealed class FirmSettingsService(IDbContextFactory<TaxGeniusDbContext> dbFactory, TaxGeniusCache cache, AuditLog audit, TimeProvider timeProvider)
{
    public Task<FirmSettings> GetAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.FirmSettings, LoadAsync, cancellationToken: cancellationToken);

    /// <summary>Changes whether staff may skip the second factor on a remembered browser; null when done, else why not.</summary>
    public Task<string?> SetStaffMayRememberBrowserAsync(AuditActor actor, bool allowed, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, s => s.StaffMayRememberBrowser == allowed, s => s.StaffMayRememberBrowser = allowed,
            $"staff may remember a browser for the second factor: {(allowed ? "yes" : "no")}", cancellationToken);

    /// <summary>Changes whether clients and referrers must use a second factor; null when done, else why not.</summary>
    public Task<string?> SetRequireClientSecondFactorAsync(AuditActor actor, bool required, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, s => s.RequireClientSecondFactor == required, s => s.RequireClientSecondFactor = required,
            $"clients and referrers must use a second factor: {(required ? "yes" : "no")}", cancellationToken);

    private async Task<string?> ChangeAsync(AuditActor actor, Func<FirmSettings, bool> unchanged, Action<FirmSettings> change, string detail,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return ActorChecks.NoLongerAllowed;
        }

        var settings = await db.FirmSettings.SingleOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new FirmSettings();
            db.FirmSettings.Add(settings);
        }
        else if (unchanged(settings))
        {
            return null;
        }

        change(settings);
        settings.UpdatedAt = timeProvider.GetUtcNow().UtcDateTime;
        settings.UpdatedById = actor.UserId;
        audit.Add(db, actor, AuditActions.FirmSettingsChanged, "firm_settings", null, null, detail);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private async Task<FirmSettings> LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FirmSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new FirmSettings();
    }
}
