using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Users;

/// <summary>
/// What administrators do to accounts: role changes, locks, deactivation, deletion, forced password resets, confirmation e-mails,
/// ending sessions. Every action re-checks that the actor is still an active administrator, and is audited (with its e-mail, when
/// it sends one) in the same transaction as the change it records.
/// <para>Every change that must reach open sessions (role, lock, deactivation, forced reset) replaces the security stamp: the cookie
/// validator and the circuit's revalidation compare it (within <c>Security:RevalidationSeconds</c>) and sign the session out.</para>
/// <para>The firm always keeps an active administrator: no action leaves zero unlocked, active ADMIN accounts (on PostgreSQL the check
/// and the change hold a row lock on the ADMIN role, so two administrators demoting each other at once cannot both succeed).
/// Administrators cannot lock, deactivate, delete, force-reset, unlock or reactivate themselves.</para>
/// </summary>
public sealed class UserLifecycleService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    EncryptedFileStore store,
    SessionService sessions,
    TimeProvider timeProvider,
    ILogger<UserLifecycleService> logger)
{
    private const string UserSubject = "user";

    private readonly UserChanges changes = new(dbFactory, audit, sessions, timeProvider);

    /// <summary>Gives the user <paramref name="role"/> instead of their current role.</summary>
    public Task<UserActionResult> ChangeRoleAsync(AuditActor actor, Guid userId, string role, CancellationToken cancellationToken = default)
    {
        if (!Roles.All.Contains(role))
        {
            return Task.FromResult(UserActionResult.Fail($"'{role}' is not a role."));
        }

        return changes.RunAsync(actor, userId, AuditActions.UserRoleChanged, cancellationToken, async (db, target) =>
        {
            if (target.Role == role)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already {Roles.DisplayName(role)}."), null);
            }

            if (target.Role == Roles.Admin && await UserChanges.IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            var newRoleId = await UserDirectory.RoleIdAsync(db, role, cancellationToken);
            db.UserRoles.RemoveRange(await db.UserRoles.Where(ur => ur.UserId == target.User.Id).ToListAsync(cancellationToken));
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = target.User.Id, RoleId = newRoleId });
            // A demotion (staff losing their role, an administrator becoming a preparer) signs the person out everywhere at once and
            // revokes their API tokens: an open page must not keep powers the role no longer has until its next re-check.
            if (IsDemotion(target.Role, role))
            {
                target.EndSessions = SessionRevocationReasons.AccountChanged;
            }

            return (UserActionResult.Ok($"{target.User.Email} is now {Roles.DisplayName(role)}."), $"{target.Role ?? "none"} -> {role}");
        });
    }

    /// <summary>
    /// Signs the user out everywhere: every session is revoked (each browser is refused from its next request or circuit check) and
    /// the security stamp is replaced. The account itself is untouched: the user can sign in again. Administrators may end their
    /// own sessions too (including the one they are using).
    /// </summary>
    public Task<UserActionResult> EndSessionsAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserSessionsEnded, cancellationToken, (_, target) =>
            Task.FromResult<(UserActionResult, string?)>((UserActionResult.Ok($"Every session of {target.User.Email} has ended."), null)),
            endSessions: SessionRevocationReasons.EndedByAdmin);

    /// <summary>Locks the account until an administrator unlocks it; open sessions end at the next validation.</summary>
    public Task<UserActionResult> LockAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserLocked, cancellationToken, async (db, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot lock your own account."), null);
            }

            if (target.User.DeactivatedAt is not null || target.User.LockedAt is not null)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already {(target.User.DeactivatedAt is not null ? "deactivated" : "locked")}."), null);
            }

            if (target.Role == Roles.Admin && await UserChanges.IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            target.User.LockedAt = Now;
            target.User.LockoutEnabled = true;
            target.User.LockoutEnd = DateTimeOffset.MaxValue;
            return (UserActionResult.Ok($"{target.User.Email} is locked and signed out."), null);
        }, endSessions: SessionRevocationReasons.AccountChanged);

    /// <summary>Unlocks an account locked by an administrator or locked out by failed sign-ins.</summary>
    public Task<UserActionResult> UnlockAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserUnlocked, cancellationToken, (_, target) =>
        {
            var user = target.User;
            if (user.Id == actor.UserId)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail("You cannot unlock your own account: ask another administrator."), null));
            }

            if (user.DeactivatedAt is not null)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail($"{user.Email} is deactivated: reactivate it instead."), null));
            }

            if (user.LockedAt is null && !(user.LockoutEnd > timeProvider.GetUtcNow()))
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail($"{user.Email} is not locked."), null));
            }

            var detail = user.LockedAt is null ? "failed sign-in lockout" : null;
            user.LockedAt = null;
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Ok($"{user.Email} is unlocked."), detail));
        }, newStamp: false);

    /// <summary>Deactivates the account: it cannot sign in, open sessions end, its data and history stay.</summary>
    public Task<UserActionResult> DeactivateAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserDeactivated, cancellationToken, async (db, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot deactivate your own account."), null);
            }

            if (target.User.DeactivatedAt is not null)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already deactivated."), null);
            }

            if (target.Role == Roles.Admin && await UserChanges.IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            target.User.DeactivatedAt = Now;
            target.User.LockoutEnabled = true;
            target.User.LockoutEnd = DateTimeOffset.MaxValue;
            return (UserActionResult.Ok($"{target.User.Email} is deactivated and signed out."), null);
        }, endSessions: SessionRevocationReasons.AccountChanged);

    /// <summary>Lets a deactivated account sign in again (still locked if an administrator had locked it).</summary>
    public Task<UserActionResult> ReactivateAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserReactivated, cancellationToken, (_, target) =>
        {
            var user = target.User;
            if (user.Id == actor.UserId)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail("You cannot reactivate your own account: ask another administrator."), null));
            }

            if (user.DeactivatedAt is null)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail($"{user.Email} is not deactivated."), null));
            }

            user.DeactivatedAt = null;
            user.LockoutEnd = user.LockedAt is null ? null : DateTimeOffset.MaxValue;
            user.AccessFailedCount = 0;
            return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Ok($"{user.Email} is active again."), null));
        }, newStamp: false);

    /// <summary>
    /// Removes the account's password and signs it out everywhere, then e-mails a link to choose a new one. The user cannot sign in
    /// with the old password any more.
    /// </summary>
    public Task<UserActionResult> ForcePasswordResetAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        changes.RunAsync(actor, userId, AuditActions.UserPasswordResetForced, cancellationToken, (_, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail("Change your own password from Account settings."), null));
            }

            target.User.PasswordHash = null;
            return Task.FromResult<(UserActionResult, string?)>(
                (UserActionResult.Ok($"{target.User.Email} is signed out; a link to choose a new password is on its way."), null));
        }, endSessions: SessionRevocationReasons.AccountChanged, beforeSave: async (db, user) =>
        {
            // The link's token embeds the new security stamp (already set); the e-mail commits with the change.
            await using var scope = scopeFactory.CreateAsyncScope();
            var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await emails.AddAsync(db, user.Email!, new PasswordResetRequiredEmail(urls.ResetPassword(await userManager.GeneratePasswordResetTokenAsync(user))),
                cancellationToken);
        });

    /// <summary>Sends the confirmation e-mail again to an account that has not confirmed its address (audited with the e-mail, in one save).</summary>
    public async Task<UserActionResult> ResendConfirmationAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return UserActionResult.Fail(ActorChecks.NoLongerAllowed);
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user?.Email is null)
        {
            return UserActionResult.Fail("The user no longer exists.");
        }

        if (user.EmailConfirmed)
        {
            return UserActionResult.Fail($"{user.Email} is already confirmed.");
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await emails.AddAsync(db, user.Email, new ConfirmEmailEmail(null, urls.ConfirmEmail(user.Id, await userManager.GenerateEmailConfirmationTokenAsync(user))),
            cancellationToken);
        audit.Add(db, actor, AuditActions.UserConfirmationResent, UserSubject, user.Id, user.Id);
        await db.SaveChangesAsync(cancellationToken);
        return UserActionResult.Ok($"The confirmation e-mail is on its way to {user.Email}.");
    }

    /// <summary>
    /// Deletes the account. A client's profile, documents and their workflow history go with it (the schema's cascade) and, once
    /// the rows are gone, their encrypted files are removed from the store. Staff: documents assigned to them are unassigned.
    /// Refused (deactivate instead) for a referrer with referrals (commission records are the firm's books) and for anyone who
    /// wrote notes on clients' documents (the notes are the firm's record of the work).
    /// </summary>
    public async Task<UserActionResult> DeleteAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        List<string> storageKeys = [];
        var result = await changes.RunAsync(actor, userId, AuditActions.UserDeleted, cancellationToken, async (db, target) =>
        {
            var user = target.User;
            if (user.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot delete your own account."), null);
            }

            if (target.Role == Roles.Admin && await UserChanges.IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            var referrals = await db.Referrals.CountAsync(r => r.ReferrerId == user.Id, cancellationToken);
            if (referrals > 0)
            {
                return (UserActionResult.Fail($"{user.Email} has {Plural.Of(referrals, "referral")} on the firm's books: deactivate the account instead."), null);
            }

            var notes = await db.DocumentNotes.CountAsync(n => n.AuthorId == user.Id, cancellationToken);
            if (notes > 0)
            {
                return (UserActionResult.Fail($"{user.Email} wrote {Plural.Of(notes, "note")} on clients' documents: deactivate the account instead."), null);
            }

            storageKeys = await db.Documents.Where(d => d.UserId == user.Id).Select(d => d.StorageKey).ToListAsync(cancellationToken);
            var assigned = await db.Documents.Where(d => d.AssignedToId == user.Id && d.UserId != user.Id).ToListAsync(cancellationToken);
            foreach (var document in assigned)
            {
                document.AssignedToId = null;
                document.AssignedAt = null;
            }

            db.Users.Remove(user);
            return (UserActionResult.Ok($"{user.Email} is deleted."),
                $"role {target.Role ?? "none"}; {Plural.Of(storageKeys.Count, "document")} deleted; {Plural.Of(assigned.Count, "document")} unassigned");
        }, newStamp: false, endSessions: SessionRevocationReasons.AccountChanged);

        if (result.Succeeded)
        {
            // After the commit: a failed commit leaves every file in place. A file left behind by a crash here has no row
            // and is removed by the store sweeper.
            foreach (var key in storageKeys)
            {
                await store.TryDeleteAsync(key);
            }

            UsersLog.UserDeleted(logger, userId, storageKeys.Count);
        }

        return result;
    }

    public const string LastAdminMessage = "The firm must keep at least one active administrator: make someone else an administrator first.";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Staff losing their staff role, or an administrator becoming anything else.</summary>
    private static bool IsDemotion(string? from, string to) =>
        (from == Roles.Admin && to != Roles.Admin) || (from == Roles.Preparer && !StaffMfa.IsRequiredFor([to]));


}
