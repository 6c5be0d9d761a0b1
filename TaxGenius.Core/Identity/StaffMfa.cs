using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Identity;

/// <summary>
/// The FTC Safeguards Rule asks for multi-factor authentication for anyone who reaches customer data: PREPARER and ADMIN
/// accounts reach nothing else until they sign in with a passkey (user-verifying: multi-factor by itself, ADR-015) or have an
/// authenticator app enrolled (which every password sign-in then asks for). Clients and referrers: see the firm's policy.
/// </summary>
public static class StaffMfa
{
    /// <summary>The claim a signed-in principal carries while the account has two-factor sign-in enabled.</summary>
    public const string ClaimType = "tg:mfa";

    public const string Enrolled = "enrolled";

    /// <summary>Where a staff member without an authenticator is sent first.</summary>
    public const string EnrollmentPath = "/Account/Manage/EnableAuthenticator";

    public static readonly IReadOnlyList<string> RequiredForRoles = [Roles.Preparer, Roles.Admin];

    public static bool IsRequiredFor(ClaimsPrincipal user) => RequiredForRoles.Any(user.IsInRole);

    public static bool IsRequiredFor(IEnumerable<string> roles) => roles.Any(RequiredForRoles.Contains);

    /// <summary>The session passed multi-factor: the account has an authenticator (asked at every password sign-in), or it signed in with a passkey.</summary>
    public static bool HasEnrolled(ClaimsPrincipal user) => user.HasClaim(ClaimType, Enrolled) || SignedInWithPasskey(user);

    public static bool SignedInWithPasskey(ClaimsPrincipal user) => user.HasClaim("amr", TaxGeniusSignInManager.PasskeyMethod);

    /// <summary>Signed in as staff without an authenticator: everything but enrollment and signing out is closed.</summary>
    public static bool MustEnroll(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && IsRequiredFor(user) && !HasEnrolled(user);
}

/// <summary>Identity's principal plus the <see cref="StaffMfa.ClaimType"/> claim (refreshed with the security stamp).</summary>
public sealed class TaxGeniusClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole<Guid>> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole<Guid>>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(StaffMfa.ClaimType, StaffMfa.Enrolled));
        }

        return identity;
    }
}
