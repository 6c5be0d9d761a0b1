using Microsoft.AspNetCore.Identity;

namespace TaxGenius.Core.Identity.SignInCodes;

/// <summary>
/// The e-mailed code as an Identity two-factor provider, so that <see cref="SignInManager{TUser}.TwoFactorSignInAsync"/> completes the
/// sign-in (remember-this-browser, lockout on wrong codes) as it does for an authenticator. Codes are sent by
/// <see cref="SignInCodeService.SendAsync"/>, never generated here. Clients and referrers only: staff use an authenticator or a passkey.
/// </summary>
public sealed class EmailCodeTokenProvider(SignInCodeService codes) : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "EmailCode";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        return SignInCodeService.MayUse(user, await manager.GetRolesAsync(user));
    }

    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
        throw new NotSupportedException("E-mailed sign-in codes are sent by SignInCodeService.SendAsync.");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await CanGenerateTwoFactorTokenAsync(manager, user)
            && await codes.VerifyAsync(user.Id, SignInCodePurpose.SecondFactor, token) == CodeCheck.Accepted;
    }
}
