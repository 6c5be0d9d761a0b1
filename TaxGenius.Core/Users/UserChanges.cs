using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;

namespace TaxGenius.Core.Users;

/// <summary>
/// The one way an administrator's action on an account is carried out (<see cref="UserLifecycleService"/>): in a transaction, after
/// checking that the actor is still an active administrator, with the security stamp replaced, sessions and API tokens ended when the
/// action signs the person out, and the audit row, all committed together.
/// </summary>
internal sealed class UserChanges(IDbContextFactory<TaxGeniusDbContext> dbFactory, AuditLog audit, SessionService sessions, TimeProvider timeProvider)
{
    private const string UserSubject = "user";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>The user an action changes, their role, and (set by the action) why their sessions end, if they do.</summary>
    internal sealed class Target(ApplicationUser user, string? role, string? endSessions)
    {
        public ApplicationUser User { get; } = user;

        public string? Role { get; } = role;

        public string? EndSessions { get; set; } = endSessions;
    }

    /// <summary>
    /// Checks that <paramref name="actor"/> is still an active administrator (in the database, now: an open page's circuit does not
    /// prove it), loads the user (tracked) and their role in a transaction, lets <paramref name="change"/> decide and change, then
    /// (when it succeeded) replaces the security stamp, ends the user's sessions and revokes their API tokens when the action signs
    /// them out, writes the audit row and commits.
    /// </summary>
    public async Task<UserActionResult> RunAsync(AuditActor actor, Guid userId, string action, CancellationToken cancellationToken,
        Func<TaxGeniusDbContext, Target, Task<(UserActionResult Result, string? Detail)>> change, bool newStamp = true, string? endSessions = null,
        Func<TaxGeniusDbContext, ApplicationUser, Task>? beforeSave = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A transient failure (a database restart) repeats the whole unit of work, from the lock to the commit.
        var (outcome, endedIds) = await db.InTransactionAsync<(UserActionResult Result, List<Guid> EndedSessions)>(async (transaction, _) =>
        {
            if (db.Database.IsNpgsql())
            {
                // Serializes every change that could remove an administrator (see the class summary).
                var adminRoleId = await RoleIdAsync(db, Roles.Admin, cancellationToken);
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"AspNetRoles\" WHERE \"Id\" = {adminRoleId} FOR UPDATE", cancellationToken);
            }

            if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
            {
                return (UserActionResult.Fail(ActorChecks.NoLongerAllowed), []);
            }

            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return (UserActionResult.Fail("The user no longer exists."), []);
            }

            var role = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId orderby r.Name select r.Name)
                .FirstOrDefaultAsync(cancellationToken);
            var target = new Target(user, role, endSessions);
            var (result, detail) = await change(db, target);
            var endNow = target.EndSessions;
            if (!result.Succeeded)
            {
                return (result, []);
            }

            if (newStamp && db.Entry(user).State != EntityState.Deleted)
            {
                user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
            }

            if (db.Entry(user).State != EntityState.Deleted)
            {
                user.ConcurrencyStamp = Guid.NewGuid().ToString();
            }

            // Sessions and API tokens end with the change, in its transaction (a deleted user's rows go with the cascade; their cache
            // entries are removed): whatever signs a person out also stops their scripts.
            List<Guid> endedSessions = [];
            if (endNow is not null)
            {
                var deleted = db.Entry(user).State == EntityState.Deleted;
                endedSessions = deleted
                    ? await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).Select(s => s.Id).ToListAsync(cancellationToken)
                    : await sessions.RevokeInAsync(db, user.Id, null, endNow, cancellationToken);
                var revokedTokens = deleted ? 0 : await ApiTokens.ApiTokenService.RevokeAllAsync(db, user.Id, Now, cancellationToken);
                var ended = $"{Plural.Of(endedSessions.Count, "session")} ended" + (revokedTokens == 0 ? "" : $"; {Plural.Of(revokedTokens, "API token")} revoked");
                detail = detail is null ? ended : $"{detail}; {ended}";
            }

            audit.Add(db, actor, action, UserSubject, user.Id, user.Id, Detail(user.Email, role, detail));
            if (beforeSave is not null)
            {
                await beforeSave(db, user);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (result, endedSessions);
        }, cancellationToken);
        await sessions.ForgetAsync(endedIds, cancellationToken);
        return outcome;
    }

    private static string Detail(string? email, string? role, string? detail) =>
        $"{email} ({role ?? "no role"})" + (detail is null ? "" : $": {detail}");

    /// <summary>True when <paramref name="target"/> is an active administrator and no other active administrator exists.</summary>
    public static async Task<bool> IsLastActiveAdminAsync(TaxGeniusDbContext db, Target target, CancellationToken cancellationToken)
    {
        if (target.User.DeactivatedAt is not null || target.User.LockedAt is not null)
        {
            return false;
        }

        var adminRoleId = await RoleIdAsync(db, Roles.Admin, cancellationToken);
        var others = await db.Users.CountAsync(u => u.Id != target.User.Id && u.DeactivatedAt == null && u.LockedAt == null
            && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId), cancellationToken);
        return others == 0;
    }

    private static Task<Guid> RoleIdAsync(TaxGeniusDbContext db, string role, CancellationToken cancellationToken) =>
        UserDirectory.RoleIdAsync(db, role, cancellationToken);
}
