using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Data;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Identity;

public sealed record RegistrationOutcome(ApplicationUser? User, IReadOnlyList<IdentityError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Creates a client account: the user, the CLIENT role and the profile, in one transaction (all or nothing).
/// An address that already has an account gets no error: the caller answers the same either way, so registration
/// does not tell strangers who is a client of the firm. A referral (the code on the form, the link's cookie or an invitation
/// for the address) is tied to the new client in the same transaction; whether the referrer may learn who they are is asked afterwards, on the consent screen.
/// </summary>
public sealed class AccountRegistrationService(UserManager<ApplicationUser> userManager, TaxGeniusDbContext db, ReferralInvitationService referrals)
{
    public Task<RegistrationOutcome> RegisterClientAsync(string email, string? password, string firstName, string lastName,
        CancellationToken cancellationToken = default) =>
        RegisterClientAsync(email, password, firstName, lastName, null, cancellationToken);

    /// <summary>
    /// Registers a client. Without <paramref name="password"/> the account signs in with a passkey, added once the address is confirmed
    /// (the confirmation link signs such an account in, see ConfirmEmail).
    /// </summary>
    public async Task<RegistrationOutcome> RegisterClientAsync(string email, string? password, string firstName, string lastName,
        RegistrationReferral? referral, CancellationToken cancellationToken = default)
    {
        if (await userManager.FindByEmailAsync(email) is not null)
        {
            return new RegistrationOutcome(null, []);
        }

        // Check the password before anything is written, so its errors come back with nothing to undo.
        var candidate = new ApplicationUser { UserName = email, Email = email };
        var passwordErrors = new List<IdentityError>();
        foreach (var validator in password is null ? [] : userManager.PasswordValidators)
        {
            var check = await validator.ValidateAsync(userManager, candidate, password);
            passwordErrors.AddRange(check.Errors);
        }

        if (passwordErrors.Count > 0)
        {
            return new RegistrationOutcome(null, passwordErrors);
        }

        // One unit of work under the retry strategy: a database restart midway repeats it from the start, never half of it.
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            var user = new ApplicationUser { UserName = email, Email = email };
            var created = password is null ? await userManager.CreateAsync(user) : await userManager.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return new RegistrationOutcome(null, created.Errors.ToList());
            }

            var inRole = await userManager.AddToRoleAsync(user, Roles.Client);
            if (!inRole.Succeeded)
            {
                return new RegistrationOutcome(null, inRole.Errors.ToList());
            }

            db.Profiles.Add(new Profile { UserId = user.Id, FirstName = firstName, LastName = lastName });
            await referrals.AttachAsync(db, user, referral, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new RegistrationOutcome(user, []);
        }, cancellationToken);
    }
}
