using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Users;

/// <summary>
/// The administrators' user management: the keyset-paged user list, role changes, locks, deactivation, deletion, forced password
/// resets, confirmation e-mails and staff invitations. Every action is audited in the same transaction as the change it records.
/// <para>Every change that must reach open sessions (role, lock, deactivation, forced reset) replaces the security stamp: the cookie
/// validator and the circuit's revalidation compare it (within <c>Security:RevalidationSeconds</c>) and sign the session out.</para>
/// <para>The firm always keeps an active administrator: no action leaves zero unlocked, active ADMIN accounts (on PostgreSQL the check
/// and the change hold a row lock on the ADMIN role, so two administrators demoting each other at once cannot both succeed).
/// Administrators cannot lock, deactivate, delete or force-reset themselves.</para>
/// </summary>
public sealed partial class UserAdminService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    EncryptedFileStore store,
    SessionService sessions,
    TimeProvider timeProvider,
    ILogger<UserAdminService> logger)
{
    public const int MaxPageSize = 200;

    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>The roles an administrator may invite (clients register themselves).</summary>
    public static readonly IReadOnlyList<string> InvitableRoles = [Roles.Preparer, Roles.Admin, Roles.Referrer];

    public const string InvitationPath = "Account/AcceptInvitation";

    private const string UserSubject = "user";

    /// <summary>
    /// A page of users, newest first, over (CreatedAt, Id) with keyset pagination (no OFFSET). With <paramref name="after"/>: the
    /// older rows that follow; with <paramref name="before"/>: the newer rows that precede (or the first page when fewer precede).
    /// </summary>
    public async Task<UserPage> GetPageAsync(UserFilter filter, UserCursor? after = null, UserCursor? before = null, int pageSize = 25,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (after is not null && before is not null)
        {
            throw new ArgumentException("Pass one cursor: after (next page) or before (previous page).", nameof(before));
        }

        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, cancellationToken);

        if (before is { } b)
        {
            var newer = await Project(db, query
                    .Where(u => u.CreatedAt >= b.CreatedAt && (u.CreatedAt > b.CreatedAt || u.Id.CompareTo(b.Id) > 0))
                    .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
                    .Take(pageSize + 1))
                .ToListAsync(cancellationToken);
            if (newer.Count <= pageSize)
            {
                return await GetPageAsync(filter, null, null, pageSize, cancellationToken);
            }

            newer.RemoveAt(pageSize);
            newer.Reverse();
            return new UserPage(newer, HasPrevious: true, HasNext: true);
        }

        if (after is { } a)
        {
            query = query.Where(u => u.CreatedAt <= a.CreatedAt && (u.CreatedAt < a.CreatedAt || u.Id.CompareTo(a.Id) < 0));
        }

        var rows = await Project(db, query.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).Take(pageSize + 1))
            .ToListAsync(cancellationToken);
        var hasNext = rows.Count > pageSize;
        if (hasNext)
        {
            rows.RemoveAt(pageSize);
        }

        return new UserPage(rows, HasPrevious: after is not null, hasNext);
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

        if (filter.NormalizedSearch is { } search)
        {
            var term = search.ToUpperInvariant();
            users = users.Where(u => u.NormalizedEmail!.Contains(term)
                || (u.Profile != null && (u.Profile.FirstName + " " + u.Profile.LastName).ToUpper().Contains(term)));
        }

        return users;
    }

    private IQueryable<UserRow> Project(TaxGeniusDbContext db, IQueryable<ApplicationUser> users)
    {
        var now = Now;
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

    /// <summary>Gives the user <paramref name="role"/> instead of their current role.</summary>
    public Task<UserActionResult> ChangeRoleAsync(AuditActor actor, Guid userId, string role, CancellationToken cancellationToken = default)
    {
        if (!Roles.All.Contains(role))
        {
            return Task.FromResult(UserActionResult.Fail($"'{role}' is not a role."));
        }

        return MutateAsync(actor, userId, AuditActions.UserRoleChanged, cancellationToken, async (db, target) =>
        {
            if (target.Role == role)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already {Roles.DisplayName(role)}."), null);
            }

            if (target.Role == Roles.Admin && await IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            var newRoleId = await RoleIdAsync(db, role, cancellationToken);
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
        MutateAsync(actor, userId, AuditActions.UserSessionsEnded, cancellationToken, (_, target) =>
            Task.FromResult<(UserActionResult, string?)>((UserActionResult.Ok($"Every session of {target.User.Email} has ended."), null)),
            endSessions: SessionRevocationReasons.EndedByAdmin);

    /// <summary>Locks the account until an administrator unlocks it; open sessions end at the next validation.</summary>
    public Task<UserActionResult> LockAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default) =>
        MutateAsync(actor, userId, AuditActions.UserLocked, cancellationToken, async (db, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot lock your own account."), null);
            }

            if (target.User.DeactivatedAt is not null || target.User.LockedAt is not null)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already {(target.User.DeactivatedAt is not null ? "deactivated" : "locked")}."), null);
            }

            if (target.Role == Roles.Admin && await IsLastActiveAdminAsync(db, target, cancellationToken))
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
        MutateAsync(actor, userId, AuditActions.UserUnlocked, cancellationToken, (_, target) =>
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
        MutateAsync(actor, userId, AuditActions.UserDeactivated, cancellationToken, async (db, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot deactivate your own account."), null);
            }

            if (target.User.DeactivatedAt is not null)
            {
                return (UserActionResult.Fail($"{target.User.Email} is already deactivated."), null);
            }

            if (target.Role == Roles.Admin && await IsLastActiveAdminAsync(db, target, cancellationToken))
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
        MutateAsync(actor, userId, AuditActions.UserReactivated, cancellationToken, (_, target) =>
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
    public async Task<UserActionResult> ForcePasswordResetAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        var result = await MutateAsync(actor, userId, AuditActions.UserPasswordResetForced, cancellationToken, (_, target) =>
        {
            if (target.User.Id == actor.UserId)
            {
                return Task.FromResult<(UserActionResult, string?)>((UserActionResult.Fail("Change your own password from Account settings."), null));
            }

            target.User.PasswordHash = null;
            return Task.FromResult<(UserActionResult, string?)>(
                (UserActionResult.Ok($"{target.User.Email} is signed out; a link to choose a new password is on its way."), null));
        }, endSessions: SessionRevocationReasons.AccountChanged);
        if (!result.Succeeded)
        {
            return result;
        }

        // The token embeds the new security stamp, so it is made after the change committed.
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await userManager.FindByIdAsync(userId.ToString());
        if (user?.Email is null)
        {
            return UserActionResult.Fail("The user no longer exists.");
        }

        await emails.QueueAsync(user.Email, new PasswordResetRequiredEmail(urls.ResetPassword(await userManager.GeneratePasswordResetTokenAsync(user))),
            cancellationToken);
        return result;
    }

    /// <summary>Sends the confirmation e-mail again to an account that has not confirmed its address.</summary>
    public async Task<UserActionResult> ResendConfirmationAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
            {
                return UserActionResult.Fail(ActorChecks.NoLongerAllowed);
            }
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await userManager.FindByIdAsync(userId.ToString());
        if (user?.Email is null)
        {
            return UserActionResult.Fail("The user no longer exists.");
        }

        if (user.EmailConfirmed)
        {
            return UserActionResult.Fail($"{user.Email} is already confirmed.");
        }

        await emails.QueueAsync(user.Email,
            new ConfirmEmailEmail(null, urls.ConfirmEmail(user.Id, await userManager.GenerateEmailConfirmationTokenAsync(user))), cancellationToken);
        await audit.WriteAsync(actor, AuditActions.UserConfirmationResent, UserSubject, user.Id, user.Id, cancellationToken: cancellationToken);
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
        var result = await MutateAsync(actor, userId, AuditActions.UserDeleted, cancellationToken, async (db, target) =>
        {
            var user = target.User;
            if (user.Id == actor.UserId)
            {
                return (UserActionResult.Fail("You cannot delete your own account."), null);
            }

            if (target.Role == Roles.Admin && await IsLastActiveAdminAsync(db, target, cancellationToken))
            {
                return (UserActionResult.Fail(LastAdminMessage), null);
            }

            var referrals = await db.Referrals.CountAsync(r => r.ReferrerId == user.Id, cancellationToken);
            if (referrals > 0)
            {
                return (UserActionResult.Fail($"{user.Email} has {referrals} referral(s) on the firm's books: deactivate the account instead."), null);
            }

            var notes = await db.DocumentNotes.CountAsync(n => n.AuthorId == user.Id, cancellationToken);
            if (notes > 0)
            {
                return (UserActionResult.Fail($"{user.Email} wrote {notes} note(s) on clients' documents: deactivate the account instead."), null);
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
                $"role {target.Role ?? "none"}; {storageKeys.Count} document(s) deleted; {assigned.Count} document(s) unassigned");
        }, newStamp: false, endSessions: SessionRevocationReasons.AccountChanged);

        if (result.Succeeded)
        {
            // After the commit: a failed commit leaves every file in place. A file left behind by a crash here has no row
            // and is removed by the store sweeper.
            foreach (var key in storageKeys)
            {
                store.Delete(key);
            }

            LogUserDeleted(logger, userId, storageKeys.Count);
        }

        return result;
    }

    /// <summary>
    /// Invites a member of staff: stores the hash of a random token and e-mails the one-time link (valid for
    /// <see cref="InvitationLifetime"/>). A newer invitation to the same address does not cancel an older one; the first accepted
    /// creates the account, after which the others fail (the address is taken).
    /// </summary>
    public async Task<UserActionResult> InviteAsync(AuditActor actor, string email, string role, CancellationToken cancellationToken = default)
    {
        email = email?.Trim() ?? "";
        if (!InvitableRoles.Contains(role))
        {
            return UserActionResult.Fail("Invite a Preparer, an Administrator or a Referrer; clients register themselves.");
        }

        if (!Common.EmailAddresses.IsValid(email))
        {
            return UserActionResult.Fail("Enter a valid e-mail address, like name@example.com.");
        }

        var normalized = email.ToUpperInvariant();
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = Now;
        var invitation = new StaffInvitation
        {
            Email = email,
            NormalizedEmail = normalized,
            Role = role,
            TokenHash = Common.SecretHash.Of(token),
            InvitedById = actor.UserId == Guid.Empty ? null : actor.UserId,
            CreatedAt = now,
            ExpiresAt = now + InvitationLifetime,
        };

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
            {
                return UserActionResult.Fail(ActorChecks.NoLongerAllowed);
            }

            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            {
                return UserActionResult.Fail($"{email} already has an account: change its role instead.");
            }

            db.StaffInvitations.Add(invitation);
            audit.Add(db, actor, AuditActions.UserInvited, "invitation", invitation.Id, null, $"{email} as {role}, expires {invitation.ExpiresAt:u}");
            await db.SaveChangesAsync(cancellationToken);
        }

        await emails.QueueAsync(email, new StaffInvitationEmail(Roles.DisplayName(role), urls.Absolute($"{InvitationPath}?token={token}"),
            invitation.ExpiresAt), cancellationToken);
        return UserActionResult.Ok($"Invitation sent to {email}. The link works once, for 7 days.");
    }

    /// <summary>The invitation the token opens, if it is unused and unexpired.</summary>
    public async Task<InvitationView?> FindInvitationAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = Common.SecretHash.Of(token);
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.StaffInvitations.AsNoTracking()
            .Where(i => i.TokenHash == hash && i.AcceptedAt == null && i.ExpiresAt > now)
            .Select(i => new InvitationView(i.Id, i.Email, i.Role, i.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the invitee's account with <paramref name="password"/> (confirmed: the link proved the address) in the invited role.
    /// The invitation is claimed atomically first, so a link works once even when opened twice at the same moment.
    /// </summary>
    public async Task<InvitationAcceptance> AcceptInvitationAsync(string? token, string password, string? ipAddress = null,
        CancellationToken cancellationToken = default)
    {
        var invitation = await FindInvitationAsync(token, cancellationToken);
        if (invitation is null)
        {
            return InvitationAcceptance.Fail(InvalidInvitationMessage);
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, LockoutEnabled = true };
        var passwordErrors = new List<string>();
        foreach (var validator in userManager.PasswordValidators)
        {
            var validation = await validator.ValidateAsync(userManager, user, password);
            passwordErrors.AddRange(validation.Errors.Select(e => e.Description));
        }

        if (passwordErrors.Count > 0)
        {
            return InvitationAcceptance.Fail([.. passwordErrors]);
        }

        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await db.StaffInvitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now), cancellationToken);
        if (claimed != 1)
        {
            return InvitationAcceptance.Fail(InvalidInvitationMessage);
        }

        var created = await userManager.CreateAsync(user, password);
        if (created.Succeeded)
        {
            created = await userManager.AddToRoleAsync(user, invitation.Role);
        }

        if (!created.Succeeded)
        {
            // Give the link back: nothing was created (e.g. the address was taken meanwhile, or the password was refused).
            if (user.Id != Guid.Empty && await userManager.FindByIdAsync(user.Id.ToString()) is { } partial)
            {
                await userManager.DeleteAsync(partial);
            }

            await db.StaffInvitations.Where(i => i.Id == invitation.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, (DateTime?)null), cancellationToken);
            return InvitationAcceptance.Fail([.. created.Errors.Select(e => e.Code == "DuplicateEmail" || e.Code == "DuplicateUserName"
                ? $"{invitation.Email} already has an account: sign in instead." : e.Description).Distinct()]);
        }

        await db.StaffInvitations.Where(i => i.Id == invitation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedUserId, user.Id), cancellationToken);
        await audit.WriteAsync(new AuditActor(user.Id, user.Email, ipAddress), AuditActions.UserInvitationAccepted, UserSubject, user.Id, user.Id,
            $"invitation {invitation.Id} as {invitation.Role}", cancellationToken);
        return new InvitationAcceptance(true, user.Id, invitation.Role, []);
    }

    public const string InvalidInvitationMessage = "This invitation link is not valid: it was already used, or it has expired. Ask an administrator for a new one.";

    public const string LastAdminMessage = "The firm must keep at least one active administrator: make someone else an administrator first.";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>The user an action changes, their role, and (set by the action) why their sessions end, if they do.</summary>
    private sealed class Target(ApplicationUser user, string? role, string? endSessions)
    {
        public ApplicationUser User { get; } = user;

        public string? Role { get; } = role;

        public string? EndSessions { get; set; } = endSessions;
    }

    /// <summary>Staff losing their staff role, or an administrator becoming anything else.</summary>
    private static bool IsDemotion(string? from, string to) =>
        (from == Roles.Admin && to != Roles.Admin) || (from == Roles.Preparer && !StaffMfa.IsRequiredFor([to]));

    /// <summary>
    /// Checks that <paramref name="actor"/> is still an active administrator (in the database, now: an open page's circuit does not
    /// prove it), loads the user (tracked) and their role in a transaction, lets <paramref name="change"/> decide and change, then
    /// (when it succeeded) replaces the security stamp, ends the user's sessions and revokes their API tokens when the action signs
    /// them out, writes the audit row and commits.
    /// </summary>
    private async Task<UserActionResult> MutateAsync(AuditActor actor, Guid userId, string action, CancellationToken cancellationToken,
        Func<TaxGeniusDbContext, Target, Task<(UserActionResult Result, string? Detail)>> change, bool newStamp = true, string? endSessions = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            // Serializes every change that could remove an administrator (see the class summary).
            var adminRoleId = await RoleIdAsync(db, Roles.Admin, cancellationToken);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"AspNetRoles\" WHERE \"Id\" = {adminRoleId} FOR UPDATE", cancellationToken);
        }

        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return UserActionResult.Fail(ActorChecks.NoLongerAllowed);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return UserActionResult.Fail("The user no longer exists.");
        }

        var role = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId orderby r.Name select r.Name)
            .FirstOrDefaultAsync(cancellationToken);
        var target = new Target(user, role, endSessions);
        var (result, detail) = await change(db, target);
        endSessions = target.EndSessions;
        if (!result.Succeeded)
        {
            return result;
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
        if (endSessions is not null)
        {
            var deleted = db.Entry(user).State == EntityState.Deleted;
            endedSessions = deleted
                ? await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).Select(s => s.Id).ToListAsync(cancellationToken)
                : await sessions.RevokeInAsync(db, user.Id, null, endSessions, cancellationToken);
            var revokedTokens = deleted ? 0 : await ApiTokens.ApiTokenService.RevokeAllAsync(db, user.Id, Now, cancellationToken);
            var ended = $"{endedSessions.Count} session(s) ended" + (revokedTokens == 0 ? "" : $"; {revokedTokens} API token(s) revoked");
            detail = detail is null ? ended : $"{detail}; {ended}";
        }

        audit.Add(db, actor, action, UserSubject, user.Id, user.Id, Detail(user.Email, role, detail));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await sessions.ForgetAsync(endedSessions, cancellationToken);
        return result;
    }

    private static string Detail(string? email, string? role, string? detail) =>
        $"{email} ({role ?? "no role"})" + (detail is null ? "" : $": {detail}");

    /// <summary>True when <paramref name="target"/> is an active administrator and no other active administrator exists.</summary>
    private static async Task<bool> IsLastActiveAdminAsync(TaxGeniusDbContext db, Target target, CancellationToken cancellationToken)
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

    private static async Task<Guid> RoleIdAsync(TaxGeniusDbContext db, string role, CancellationToken cancellationToken) =>
        await db.Roles.Where(r => r.NormalizedName == role.ToUpperInvariant()).Select(r => r.Id).SingleOrDefaultAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} deleted; {FileCount} stored file(s) removed.")]
    private static partial void LogUserDeleted(ILogger logger, Guid userId, int fileCount);
}
