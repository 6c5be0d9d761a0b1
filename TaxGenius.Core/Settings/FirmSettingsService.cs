using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Common;
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

    /// <summary>Why a retention setting is refused, or null.</summary>
    public static string? RetentionRefusal(int years, string? reason) =>
        years < 1 || years > FirmSettings.MaxRetentionYears ? $"Choose between 1 and {FirmSettings.MaxRetentionYears} years."
        : years > FirmSettings.DefaultRetentionYears && string.IsNullOrWhiteSpace(reason)
            ? "Keeping data longer than two years needs a reason the firm can show (16 CFR 314.4(c)(6)), e.g. \"IRC §6107: copies of returns kept 3 years\"."
        : reason is { Length: > FirmSettings.MaxRetentionReasonLength } ? $"Keep the reason to {FirmSettings.MaxRetentionReasonLength} characters."
        : null;

    /// <summary>Changes how long clients' data is kept after their last activity; null when done, else why not.</summary>
    public Task<string?> SetRetentionAsync(AuditActor actor, int years, string? reason, CancellationToken cancellationToken = default)
    {
        if (RetentionRefusal(years, reason) is { } refusal)
        {
            return Task.FromResult<string?>(refusal);
        }

        var kept = years > FirmSettings.DefaultRetentionYears ? reason!.Trim() : null;
        return ChangeAsync(actor, s => s.RetentionYears == years && s.RetentionReason == kept, s =>
            {
                s.RetentionYears = years;
                s.RetentionReason = kept;
            },
            $"clients' data disposed of {Plural.Of(years, "year")} after their last activity" + (kept is null ? "" : $" ({kept})"), cancellationToken);
    }

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
