using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Identity;

/// <summary>
/// Authenticator-app codes (RFC 6238, as Identity's own provider checks them: 30-second steps, two steps of clock drift either side)
/// that work once. Accepting a code records its time step on the account (<see cref="ApplicationUser.AuthenticatorLastStep"/>) in one
/// conditional update, so the same code, or any older one, is refused afterwards, even when two requests race with it. A code seen
/// over someone's shoulder or replayed from a phishing page is no longer good once its owner used it.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(IDbContextFactory<TaxGeniusDbContext> dbFactory, TimeProvider timeProvider)
    : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "TaxGeniusAuthenticator";

    /// <summary>Steps of drift accepted on each side of now (Identity's authenticator provider accepts the same).</summary>
    public const int AllowedDrift = 2;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>The app generates the code; the server never does (as Identity's authenticator provider).</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != 6 || !token.All(char.IsAsciiDigit) || !Totp.IsValidKey(key))
        {
            return false;
        }

        var now = Totp.StepAt(timeProvider.GetUtcNow());
        long? matched = null;
        for (var step = now - AllowedDrift; step <= now + AllowedDrift; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Totp.CodeAtStep(key, step)), Encoding.ASCII.GetBytes(token)))
            {
                matched = step;
            }
        }

        if (matched is not { } accepted)
        {
            return false;
        }

        // Claim the step: only a step later than the last one used succeeds (atomic, whichever instance answers).
        await using var db = await dbFactory.CreateDbContextAsync();
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && (u.AuthenticatorLastStep == null || u.AuthenticatorLastStep < accepted))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AuthenticatorLastStep, accepted));
        return claimed == 1;
    }
}
