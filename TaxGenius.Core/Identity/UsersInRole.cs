using System.Linq.Expressions;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Identity;

/// <summary>The users holding a role, as a predicate queries compose (one EXISTS over Identity's user-role and role tables).</summary>
public static class UsersInRole
{
    /// <summary>Users holding at least one of <paramref name="roles"/>.</summary>
    public static Expression<Func<ApplicationUser, bool>> Any(TaxGeniusDbContext db, params string[] roles) =>
        u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && roles.Contains(r.Name!)));
}
