using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Users;

/// <summary>
/// The firm's people as administrators list them: newest accounts first, searched and filtered, keyset-paged over (CreatedAt, Id).
/// Read-only; changes are <see cref="UserLifecycleService"/>'s, invitations <see cref="StaffInvitationService"/>'s.
/// </summary>
public sealed class UserDirectory(IDbContextFactory<TaxGeniusDbContext> dbFactory, TimeProvider timeProvider)
{
    public const int MaxPageSize = PageRequest.MaxSize;

    private static readonly Keyset<ApplicationUser> Order = new(u => u.CreatedAt, u => u.Id, PageOrder.Descending);

    /// <summary>
    /// A page of users, newest first. With <paramref name="after"/>: the older rows that follow; with <paramref name="before"/>: the
    /// newer rows that precede (or the first page when fewer precede).
    /// </summary>
    public async Task<Page<UserRow>> GetPageAsync(UserFilter filter, PageCursor? after = null, PageCursor? before = null, int pageSize = 25,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, cancellationToken);
        return await Order.PageAsync(query, new PageRequest(after, before, pageSize), users => Project(db, users), r => r.Cursor, cancellationToken);
    }

    /// <summary>One user as the grid shows it, or null.</summary>
    public async Task<UserRow?> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Project(db, db.Users.AsNoTracking().Where(u => u.Id == userId)).SingleOrDefaultAsync(cancellationToken);
    }

    private static async Task<IQueryable<ApplicationUser>> FilterAsync(TaxGeniusDbContext db, UserFilter filter, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking();
        if (filter.Role is { } role)
        {
            var roleId = await RoleIdAsync(db, role, cancellationToken);
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == roleId));
        }

        users = filter.State switch
        {
            UserState.Deactivated => users.Where(u => u.DeactivatedAt != null),
            UserState.Locked => users.Where(u => u.DeactivatedAt == null && u.LockedAt != null),
            UserState.Unconfirmed => users.Where(u => u.DeactivatedAt == null && u.LockedAt == null && !u.EmailConfirmed),
            UserState.Active => users.Where(u => u.DeactivatedAt == null && u.LockedAt == null && u.EmailConfirmed),
            _ => users,
        };

        return filter.NormalizedSearch is { } search ? users.Where(UserSearch.Matches(search)) : users;
    }

    private IQueryable<UserRow> Project(TaxGeniusDbContext db, IQueryable<ApplicationUser> users)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return users.Select(u => new UserRow(
            u.Id,
            u.Email ?? "",
            u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : null,
            (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id orderby r.Name select r.Name).FirstOrDefault(),
            u.EmailConfirmed,
            u.PasswordHash != null,
            u.LockedAt,
            u.LockoutEnd,
            u.DeactivatedAt,
            u.CreatedAt,
            // A page is at most MaxPageSize rows; each count is an index range scan on (UserId, RevokedAt).
            db.UserSessions.Count(s => s.UserId == u.Id && s.RevokedAt == null && s.ExpiresAt > now)));
    }

    internal static async Task<Guid> RoleIdAsync(TaxGeniusDbContext db, string role, CancellationToken cancellationToken) =>
        await db.Roles.Where(r => r.NormalizedName == role.ToUpperInvariant()).Select(r => r.Id).SingleOrDefaultAsync(cancellationToken);
}
