using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace TaxGenius.Core.Identity;

/// <summary>The answer to "prove it is you again": <see cref="Error"/> says what to do when it was not right.</summary>
public sealed record ReauthenticationResult(bool Succeeded, string? Error)
{
    public static readonly ReauthenticationResult Ok = new(true, null);
}

/// <summary>
/// Before a sensitive step (revealing an SSN, resetting the authenticator, changing the sign-in address, creating an API token) the
/// signed-in person proves again who they are: their password, or a current code from their authenticator app (single-use, like at
/// sign-in). Wrong answers count towards the account's lockout like wrong second-factor codes. Each check reads the account afresh in
/// its own scope, so a page's circuit can call it as often as it needs.
/// </summary>
public sealed class Reauthentication(IServiceScopeFactory scopes)
{
    public const string Prompt = "Your password, or a code from your authenticator app";

    public async Task<ReauthenticationResult> ConfirmAsync(Guid userId, string? secret)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || user.DeactivatedAt is not null || user.LockedAt is not null)
        {
            return new(false, "Your account can no longer do this. Sign in again.");
        }

        if (await users.IsLockedOutAsync(user))
        {
            return new(false, "Your account is locked after too many wrong attempts. Try again later.");
        }

        secret = secret?.Trim();
        var proven = !string.IsNullOrEmpty(secret) && (await users.CheckPasswordAsync(user, secret)
            || (user.TwoFactorEnabled && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider,
                secret.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal))));
        if (!proven)
        {
            await users.AccessFailedAsync(user);
            return new(false, user.TwoFactorEnabled
                ? "That is neither your password nor a current code from your authenticator app."
                : "That is not your password.");
        }

        await users.ResetAccessFailedCountAsync(user);
        return ReauthenticationResult.Ok;
    }
}
