using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.RateLimiting;
using TaxGenius.Core.Settings;

namespace TaxGenius.Core.Identity;

/// <summary>
/// Identity's sign-in with the firm's rules (ADR-007):
/// <list type="bullet">
/// <item>The password is checked before anything about the account is told: with a wrong password, an unknown, unconfirmed, locked
/// or deactivated account all answer "wrong e-mail or password", in about the same time.</item>
/// <item>Wrong passwords lock the pair (account, source address) for <see cref="IdentityConfiguration.LockoutDuration"/> after
/// <see cref="IdentityConfiguration.MaxFailedAccessAttempts"/> failures, never the account itself: nobody can keep a preparer locked
/// out from the other side of the internet. Wrong second-factor codes still lock the account (only someone with the password gets there).</item>
/// <item>Staff may skip the second factor on a remembered browser only when the firm allows it (<see cref="FirmSettings"/>).</item>
/// <item>When the firm requires it, clients and referrers without an authenticator get an e-mailed code as the second step
/// (<see cref="SignInCodes.EmailCodeTokenProvider"/>).</item>
/// <item>A passkey sign-in (user verification required) is multi-factor by itself: it carries <c>amr=hwk</c>, which satisfies the staff
/// policy (ADR-015), and is refused like a password for an unconfirmed, locked or deactivated account.</item>
/// </list>
/// </summary>
public sealed class TaxGeniusSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    IRateLimitCounter counter,
    FirmSettingsService firmSettings,
    Passkeys.PasskeyRegistry passkeys)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string FailurePolicy = "signin-failures";

    /// <summary>A valid PBKDF2 hash of a random password: checking against it costs what checking a real account costs.</summary>
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<ApplicationUser>().HashPassword(new ApplicationUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null)
        {
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }

        // No such account: answer as a wrong password would, after as much work.
        var subject = FailureSubject(UserManager.NormalizeName(userName));
        if (await IsSourceLockedAsync(subject))
        {
            return SignInResult.LockedOut;
        }

        new PasswordHasher<ApplicationUser>().VerifyHashedPassword(new ApplicationUser(), DummyHash.Value, password);
        return await CountFailureAsync(subject);
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = FailureSubject(user.NormalizedUserName ?? UserManager.NormalizeName(user.UserName));
        if (await IsSourceLockedAsync(subject))
        {
            return SignInResult.LockedOut;
        }

        if (!await UserManager.CheckPasswordAsync(user, password))
        {
            return await CountFailureAsync(subject);
        }

        // The password is right: only now may the answer say that the account is unconfirmed, locked or deactivated.
        if (await PreSignInCheck(user) is { } refusal)
        {
            return refusal;
        }

        if (!await UserManager.GetTwoFactorEnabledAsync(user))
        {
            await ResetLockout(user);
        }

        return SignInResult.Success;
    }

    /// <summary>The authentication method claim a passkey sign-in carries ("hardware-secured key", RFC 8176).</summary>
    public const string PasskeyMethod = "hwk";

    public override async Task<bool> IsTwoFactorEnabledAsync(ApplicationUser user) =>
        await base.IsTwoFactorEnabledAsync(user) || await RequiresEmailCodeAsync(user);

    /// <summary>
    /// Whether this account's second step is an e-mailed code: a client or referrer with a confirmed address and no authenticator,
    /// while the firm requires a second factor of them.
    /// </summary>
    public async Task<bool> RequiresEmailCodeAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return !user.TwoFactorEnabled && (await firmSettings.GetAsync()).RequireClientSecondFactor
            && SignInCodes.SignInCodeService.MayUse(user, await UserManager.GetRolesAsync(user));
    }

    /// <summary>
    /// Identity's passkey sign-in with the checks a password sign-in has (confirmed, not locked, not deactivated), the passkey's last use
    /// recorded, and <c>amr=hwk</c> instead of Identity's <c>pwd</c>. Throws <see cref="InvalidOperationException"/> when no ceremony is
    /// under way (its cookie expired), as Identity does.
    /// </summary>
    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        var assertion = await PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded)
        {
            Passkeys.PasskeyLog.Refused(Logger, assertion.Failure.Message);
            return SignInResult.Failed;
        }

        var user = assertion.User;
        if (await PreSignInCheck(user) is { } refusal)
        {
            return refusal;
        }

        if (!(await UserManager.AddOrUpdatePasskeyAsync(user, assertion.Passkey)).Succeeded)
        {
            return SignInResult.Failed;
        }

        await passkeys.TouchAsync(assertion.Passkey.CredentialId, Context.RequestAborted);
        await ResetLockout(user);
        await SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", PasskeyMethod)]);
        return SignInResult.Success;
    }

    /// <summary>
    /// Signs in a client or referrer who proved their mailbox with an e-mailed code (<see cref="SignInCodes.SignInCodeService"/>), with the
    /// checks a password sign-in has. Not persistent: the next visit asks again.
    /// </summary>
    public async Task<SignInResult> EmailCodeSignInAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await PreSignInCheck(user) is { } refusal)
        {
            return refusal;
        }

        await ResetLockout(user);
        await SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "otp")]);
        return SignInResult.Success;
    }

    public override async Task<bool> IsTwoFactorClientRememberedAsync(ApplicationUser user) =>
        await base.IsTwoFactorClientRememberedAsync(user) && await MayRememberBrowserAsync(user);

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        if (rememberClient && await GetTwoFactorAuthenticationUserAsync() is { } user && !await MayRememberBrowserAsync(user))
        {
            rememberClient = false;
        }

        return await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
    }

    /// <summary>Whether this user may skip the second factor on a remembered browser: always for clients and referrers; staff when the firm allows.</summary>
    public async Task<bool> MayRememberBrowserAsync(ApplicationUser user) =>
        !StaffMfa.IsRequiredFor(await UserManager.GetRolesAsync(user)) || (await firmSettings.GetAsync()).StaffMayRememberBrowser;

    /// <summary>The account (hashed: rate-limit keys never hold an address) and the address the attempt comes from.</summary>
    private string FailureSubject(string? normalizedName)
    {
        var account = RateLimitSubjects.ForAccount(normalizedName);
        var ip = Context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : "unknown";
        return $"{account}:{ip}";
    }

    private async Task<bool> IsSourceLockedAsync(string subject) =>
        await counter.PeekAsync(FailurePolicy, subject, IdentityConfiguration.LockoutDuration, Context.RequestAborted)
            >= IdentityConfiguration.MaxFailedAccessAttempts;

    /// <summary>Counts a wrong password; the failure that reaches the limit already answers "locked out".</summary>
    private async Task<SignInResult> CountFailureAsync(string subject)
    {
        var decision = await counter.HitAsync(FailurePolicy, subject, IdentityConfiguration.MaxFailedAccessAttempts, IdentityConfiguration.LockoutDuration,
            Context.RequestAborted);
        return decision.Remaining == 0 ? SignInResult.LockedOut : SignInResult.Failed;
    }
}
