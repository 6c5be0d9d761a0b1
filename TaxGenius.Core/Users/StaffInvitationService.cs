using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Users;

/// <summary>
/// Staff invitations: an administrator invites a preparer, administrator or referrer by e-mail (a random one-time link, stored as a
/// hash, valid for <see cref="InvitationLifetime"/>); the invitee sets a password and the account is created in the invited role.
/// </summary>
public sealed class StaffInvitationService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    TimeProvider timeProvider)
{
    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>The roles an administrator may invite (clients register themselves).</summary>
    public static readonly IReadOnlyList<string> InvitableRoles = [Roles.Preparer, Roles.Admin, Roles.Referrer];

    public const string InvitationPath = "Account/AcceptInvitation";

    public const string InvalidInvitationMessage = "This invitation link is not valid: it was already used, or it has expired. Ask an administrator for a new one.";

    private const string UserSubject = "user";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

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
            return UserActionResult.Fail(Common.EmailAddresses.InvalidMessage);
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
            await emails.AddAsync(db, email, new StaffInvitationEmail(Roles.DisplayName(role), urls.Absolute($"{InvitationPath}?token={token}"),
                invitation.ExpiresAt), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

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


}
