using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;

namespace TaxGenius.Core.Users;

/// <summary>How an API call on users ended; the endpoints turn it into a status code.</summary>
public enum UserApiOutcome
{
    Ok,

    /// <summary>The input is invalid: <see cref="UserApiResult.Errors"/> says which fields and why (400).</summary>
    Invalid,

    /// <summary>No such user (404).</summary>
    NotFound,

    /// <summary>The e-mail address already has an account (409).</summary>
    Duplicate,

    /// <summary>Refused by a rule of the firm, e.g. the last administrator (409).</summary>
    Refused,
}

/// <summary>The outcome of an API call on users: the user as it now stands, or why not.</summary>
public sealed record UserApiResult(UserApiOutcome Outcome, UserRow? User = null, IReadOnlyDictionary<string, string[]>? Errors = null,
    string? Detail = null)
{
    public static UserApiResult Invalid(string field, string error) => new(UserApiOutcome.Invalid, Errors: new Dictionary<string, string[]> { [field] = [error] });
}

/// <summary>
/// The administrators' REST API on users (/api/users): create (no password; the holder gets a link to choose one), rename, change the
/// role (through <see cref="UserAdminService.ChangeRoleAsync"/>, so the last-administrator rule holds) and delete (through
/// <see cref="UserAdminService.DeleteAsync"/>). Listing is <see cref="UserAdminService.GetPageAsync"/>. ADMIN accounts are neither created
/// nor granted here: administrators are invited (<see cref="UserAdminService.InviteAsync"/>). Nothing here reads or returns an SSN.
/// </summary>
public sealed class UserApiService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    UserAdminService userAdmin,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls)
{
    public const int MaxEmailLength = Common.EmailAddresses.MaxLength;
    public const int MinNameLength = 2;
    public const int MaxNameLength = 100;

    /// <summary>The roles the API may create or grant.</summary>
    public static readonly IReadOnlyList<string> AssignableRoles = [Roles.Client, Roles.Preparer, Roles.Referrer];

    /// <summary>Field errors for a new user's e-mail, name and role (empty when valid). Keys are the JSON property names.</summary>
    public static Dictionary<string, string[]> ValidateCreate(string? email, string? name, string? role)
    {
        var errors = new Dictionary<string, string[]>();
        if (ValidateEmail(email) is { } emailError)
        {
            errors["email"] = [emailError];
        }

        if (ValidateName(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (ValidateRole(role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        return errors;
    }

    public static string? ValidateEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "The e-mail address is required.";
        }

        if (email.Length > MaxEmailLength)
        {
            return $"The e-mail address must be at most {MaxEmailLength} characters.";
        }

        return Common.EmailAddresses.IsValid(email)
            ? null
            : "Enter a valid e-mail address, like name@example.com.";
    }

    public static string? ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "The name is required.";
        }

        return trimmed.Length is < MinNameLength or > MaxNameLength
            ? $"The name must be {MinNameLength} to {MaxNameLength} characters."
            : null;
    }

    public static string? ValidateRole(string? role)
    {
        if (string.IsNullOrWhiteSpace(role))
        {
            return "The role is required.";
        }

        if (role == Roles.Admin)
        {
            return "ADMIN accounts are not created or granted through the API: invite an administrator from the users page.";
        }

        return AssignableRoles.Contains(role) ? null : $"The role must be one of {string.Join(", ", AssignableRoles)}.";
    }

    /// <summary>One user, or null.</summary>
    public Task<UserRow?> GetAsync(Guid id, CancellationToken cancellationToken = default) => userAdmin.GetAsync(id, cancellationToken);

    /// <summary>
    /// Creates an unconfirmed account without a password in <paramref name="role"/>, with a profile holding <paramref name="name"/>,
    /// and its audit row, in one transaction; then e-mails the holder a link to choose a password (choosing it confirms the address).
    /// </summary>
    public async Task<UserApiResult> CreateAsync(AuditActor actor, string? email, string? name, string? role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = ValidateCreate(email, name, role);
        if (errors.Count > 0)
        {
            return new UserApiResult(UserApiOutcome.Invalid, Errors: errors);
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
            try
            {
                // One SaveChanges: one transaction for the account, its role, its profile and the audit row.
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

        // After the commit (the token embeds the stored security stamp); a failure here leaves a valid account that an
        // administrator can send a new link to (force password reset).
        await emails.QueueAsync(email!, new AccountCreatedEmail(Roles.DisplayName(role!), urls.ResetPassword(await userManager.GeneratePasswordResetTokenAsync(user))),
            cancellationToken);
        return new UserApiResult(UserApiOutcome.Ok, await userAdmin.GetAsync(user.Id, cancellationToken));
    }

    /// <summary>
    /// Changes the name and/or the role (null: unchanged). Everything is validated before anything changes; the role goes through
    /// <see cref="UserAdminService.ChangeRoleAsync"/> (last-administrator rule, sessions signed out, audited).
    /// </summary>
    public async Task<UserApiResult> UpdateAsync(AuditActor actor, Guid id, string? name, string? role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new Dictionary<string, string[]>();
        if (name is not null && ValidateName(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (role is not null && ValidateRole(role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        if (errors.Count > 0)
        {
            return new UserApiResult(UserApiOutcome.Invalid, Errors: errors);
        }

        var current = await userAdmin.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return new UserApiResult(UserApiOutcome.NotFound);
        }

        if (role is not null && role != current.Role)
        {
            var changed = await userAdmin.ChangeRoleAsync(actor, id, role, cancellationToken);
            if (!changed.Succeeded)
            {
                return await userAdmin.GetAsync(id, cancellationToken) is null
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
                    if (await userAdmin.GetAsync(id, cancellationToken) is not null)
                    {
                        throw;
                    }

                    return new UserApiResult(UserApiOutcome.NotFound);
                }
            }
        }

        return await userAdmin.GetAsync(id, cancellationToken) is { } updated
            ? new UserApiResult(UserApiOutcome.Ok, updated)
            : new UserApiResult(UserApiOutcome.NotFound);
    }

    /// <summary>Deletes the user through <see cref="UserAdminService.DeleteAsync"/> (its refusals, e.g. the last administrator, are <see cref="UserApiOutcome.Refused"/>).</summary>
    public async Task<UserApiResult> DeleteAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        if (await userAdmin.GetAsync(id, cancellationToken) is null)
        {
            return new UserApiResult(UserApiOutcome.NotFound);
        }

        var result = await userAdmin.DeleteAsync(actor, id, cancellationToken);
        if (result.Succeeded)
        {
            return new UserApiResult(UserApiOutcome.Ok);
        }

        return await userAdmin.GetAsync(id, cancellationToken) is null
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
