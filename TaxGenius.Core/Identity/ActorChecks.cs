using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Identity;

/// <summary>
/// Privileged service calls ask the database who is acting, every time: a page's circuit keeps the identity it was opened with for
/// minutes, and an administrator removed, locked or deactivated meanwhile must not keep their powers until it is re-checked.
/// </summary>
public static class ActorChecks
{
    public const string NoLongerAllowed = "You no longer have permission to do this: your account or role changed. Reload the page or sign in again.";

    /// <summary>True when <paramref name="userId"/> exists, is neither locked nor deactivated by an administrator, and has one of <paramref name="roles"/>.</summary>
    public static Task<bool> IsActiveInRoleAsync(TaxGeniusDbContext db, Guid userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var normalized = roles.Select(r => r.ToUpperInvariant()).ToList();
        return db.Users.AnyAsync(u => u.Id == userId && u.DeactivatedAt == null && u.LockedAt == null
            && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && normalized.Contains(r.NormalizedName!))),
            cancellationToken);
    }

    public static Task<bool> IsActiveAdminAsync(TaxGeniusDbContext db, Guid userId, CancellationToken cancellationToken) =>
        IsActiveInRoleAsync(db, userId, [Roles.Admin], cancellationToken);

    public static Task<bool> IsActiveStaffAsync(TaxGeniusDbContext db, Guid userId, CancellationToken cancellationToken) =>
        IsActiveInRoleAsync(db, userId, Policies.StaffRoles, cancellationToken);
}
