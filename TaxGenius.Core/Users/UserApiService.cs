using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;

namespace TaxGenius.Core.Users;

/// <summary>
/// The administrators' REST API on users (/api/users): create (no password; the holder gets a link to choose one), rename, change the
/// role (through <see cref="UserLifecycleService.ChangeRoleAsync"/>, so the last-administrator rule holds) and delete (through
/// <see cref="UserLifecycleService.DeleteAsync"/>). Listing is <see cref="UserDirectory.GetPageAsync"/>. ADMIN accounts are neither created
/// nor granted here: administrators are invited (<see cref="StaffInvitationService.InviteAsync"/>). Nothing here reads or returns an SSN.
/// </summary>
public sealed class UserApiService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    UserDirectory directory,
    UserLifecycleService lifecycle,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    SecurityVersions versions,
    TimeProvider timeProvider)
{
    /// <summary>How long an instance keeps a user's row while nothing about the user changes.</summary>
    public static readonly TimeSpan SummaryLifetime = TimeSpan.FromMinutes(5);

    private readonly VersionedLocalCache<Guid, UserRow> summaries = new(timeProvider, 10_000, SummaryLifetime);

    /// <summary>
    /// One user (without the session count: <see cref="UserRow.ActiveSessions"/> is 0), or null. From this instance's memory while the
    /// user's <see cref="SecurityVersions"/> version is the one the row was read under: any committed change to the account, its role or
    /// its profile, on any instance, retires it before the next read.
    /// </summary>
    public async Task<UserRow?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        // The version first, then the database: a row read before a change committed carries a version the change has retired.
        var version = await versions.CurrentAsync(id, cancellationToken);
        if (summaries.TryGet(id, version, out var cached))
        {
            return cached;
        }

        if (await directory.GetAsync(id, cancellationToken) is not { } row)
        {
            summaries.Remove(id);
            return null;
        }

        row = row with { ActiveSessions = 0 };
        summaries.Set(id, version, row);
        return row;
    }

    /// <summary>
    /// Creates an unconfirmed account without a password in <paramref name="role"/>, with a profile holding <paramref name="name"/>,
    /// and its audit row, in one transaction; then e-mails the holder a link to choose a password (choosing it confirms the address).
    /// </summary>
    public async Task<UserApiResult> CreateAsync(AuditActor actor, string? email, string? name, string? role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = UserApiInput.ValidateCreate(email, name, role);
        if (errors.Count > 0)
        {
            return new UserApiResult(UserApiOutcome.Invalid, Errors: errors);
        }

        await using (var check = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await ActorChecks.IsActiveAdminAsync(check, actor.UserId, cancellationToken))
            {
                return new UserApiResult(UserApiOutcome.Refused, Detail: ActorChecks.NoLongerAllowed);
            }
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = false,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(),
        };
        user.NormalizedUserName = userManager.NormalizeName(email);
        user.NormalizedEmail = userManager.NormalizeEmail(email);

        // Identity's own rules (allowed user-name characters, unique address), as registration applies them.
        var identityErrors = new List<IdentityError>();
        foreach (var validator in userManager.UserValidators)
        {
            identityErrors.AddRange((await validator.ValidateAsync(userManager, user)).Errors);
        }

        if (identityErrors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName"))
        {
            return Duplicate(email!);
        }

        if (identityErrors.Count > 0)
        {
            return new UserApiResult(UserApiOutcome.Invalid,
                Errors: new Dictionary<string, string[]> { ["email"] = [.. identityErrors.Select(e => e.Description).Distinct()] });
        }

        var (firstName, lastName) = SplitName(name!);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var roleId = await db.Roles.Where(r => r.NormalizedName == role).Select(r => r.Id).SingleAsync(cancellationToken);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roleId });
            db.Profiles.Add(new Profile { UserId = user.Id, FirstName = firstName, LastName = lastName });
            audit.Add(db, actor, AuditActions.UserCreated, "user", user.Id, user.Id, $"{email} ({role}) through the API");
            // The token embeds the security stamp set above: the "choose your password" e-mail commits with the account.
            await emails.AddAsync(db, email!, new AccountCreatedEmail(Roles.DisplayName(role!),
                urls.ResetPassword(await userManager.GeneratePasswordResetTokenAsync(user))), cancellationToken);
            try
            {
                // One SaveChanges: one transaction for the account, its role, its profile, the audit row and the e-mail.
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The address was taken between the check and the insert (the unique index refused it).
                if (!await EmailTakenAsync(user.NormalizedEmail!, cancellationToken))
                {
                    throw;
                }

                return Duplicate(email!);
            }
        }

        return new UserApiResult(UserApiOutcome.Ok, await directory.GetAsync(user.Id, cancellationToken));
    }

    /// <summary>
    /// Changes the name and/or the role (null: unchanged). Everything is validated before anything changes; the role goes through
    /// <see cref="UserLifecycleService.ChangeRoleAsync"/> (last-administrator rule, sessions signed out, audited).
    /// </summary>
    public async Task<UserApiResult> UpdateAsync(AuditActor actor, Guid id, string? name, string? role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new Dictionary<string, string[]>();
        if (name is not null && UserApiInput.ValidateName(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (role is not null && UserApiInput.ValidateRole(role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        if (errors.Count > 0)
        {
            return new UserApiResult(UserApiOutcome.Invalid, Errors: errors);
        }

        var current = await directory.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return new UserApiResult(UserApiOutcome.NotFound);
        }

        if (role is not null && role != current.Role)
        {
            var changed = await lifecycle.ChangeRoleAsync(actor, id, role, cancellationToken);
            if (!changed.Succeeded)
            {
                return await directory.GetAsync(id, cancellationToken) is null
                    ? new UserApiResult(UserApiOutcome.NotFound)
                    : new UserApiResult(UserApiOutcome.Refused, Detail: changed.Error);
            }
        }

        if (name is not null)
        {
            var (firstName, lastName) = SplitName(name);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var profile = await db.Profiles.SingleOrDefaultAsync(p => p.UserId == id, cancellationToken);
            if (profile is null)
            {
                db.Profiles.Add(new Profile { UserId = id, FirstName = firstName, LastName = lastName });
            }
            else if (profile.FirstName != firstName || profile.LastName != lastName)
            {
                profile.FirstName = firstName;
                profile.LastName = lastName;
            }

            if (db.ChangeTracker.HasChanges())
            {
                audit.Add(db, actor, AuditActions.UserRenamed, "user", id, id, $"{current.Email}: name changed through the API");
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Deleted meanwhile (the profile's foreign key refused it)?
                    if (await directory.GetAsync(id, cancellationToken) is not null)
                    {
                        throw;
                    }

                    return new UserApiResult(UserApiOutcome.NotFound);
                }
            }
        }

        return await directory.GetAsync(id, cancellationToken) is { } updated
            ? new UserApiResult(UserApiOutcome.Ok, updated)
            : new UserApiResult(UserApiOutcome.NotFound);
    }

    /// <summary>Deletes the user through <see cref="UserLifecycleService.DeleteAsync"/> (its refusals, e.g. the last administrator, are <see cref="UserApiOutcome.Refused"/>).</summary>
    public async Task<UserApiResult> DeleteAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        if (await directory.GetAsync(id, cancellationToken) is null)
        {
            return new UserApiResult(UserApiOutcome.NotFound);
        }

        var result = await lifecycle.DeleteAsync(actor, id, cancellationToken);
        if (result.Succeeded)
        {
            return new UserApiResult(UserApiOutcome.Ok);
        }

        return await directory.GetAsync(id, cancellationToken) is null
            ? new UserApiResult(UserApiOutcome.NotFound)
            : new UserApiResult(UserApiOutcome.Refused, Detail: result.Error);
    }

    /// <summary>"Ada Lovelace" → ("Ada", "Lovelace"); a single word is the first name.</summary>
    internal static (string First, string Last) SplitName(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    private async Task<bool> EmailTakenAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken);
    }

    private static UserApiResult Duplicate(string email) =>
        new(UserApiOutcome.Duplicate, Detail: $"{email} already has an account.");
}
