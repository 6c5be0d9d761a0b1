using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Sessions;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Account;

/// <summary>
/// Re-checks an open circuit's user every <c>Security:RevalidationSeconds</c> (default 60): the account must still exist, carry
/// the same security stamp (role changes, locks, deactivations and forced resets replace it), not be locked out, and its session
/// (<see cref="SessionService"/>) must still be live. When the check fails the circuit's user becomes anonymous and the pages'
/// authorization sends them to sign in. A check that cannot reach the database is not a negative answer: the user stays signed
/// in and is checked again at the next interval (a real revocation still ends the page at the next check that gets an answer).
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        ILogger<IdentityRevalidatingAuthenticationStateProvider> logger,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        IOptions<SecurityOptions> security)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => security.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        try
        {
            // Get the user manager from a new scope to ensure it fetches fresh data
            await using var scope = scopeFactory.CreateAsyncScope();
            var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            return await ValidateSecurityStampAsync(userManager, authenticationState.User)
                && await ValidateSessionAsync(scope.ServiceProvider.GetRequiredService<SessionService>(), authenticationState.User, cancellationToken);
        }
        catch (Exception ex) when (DatabaseRetries.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The base class would treat the exception as "signed out" and send every open page to the sign-in page.
            logger.RevalidationDeferred(ex.GetType().Name);
            return true;
        }
    }

    /// <summary>The circuit's session must still be live (not signed out from another device, ended by an administrator, or expired).</summary>
    private async Task<bool> ValidateSessionAsync(SessionService sessions, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        SessionClaims.Find(principal) is { } sessionId
        && Guid.TryParse(principal.FindFirstValue(options.Value.ClaimsIdentity.UserIdClaimType), out var userId)
        && await sessions.ValidateAsync(sessionId, userId, cancellationToken);

    private async Task<bool> ValidateSecurityStampAsync(UserManager<ApplicationUser> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.DeactivatedAt is not null || await userManager.IsLockedOutAsync(user))
        {
            return false;
        }
        else if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        else
        {
            var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
            var userStamp = await userManager.GetSecurityStampAsync(user);
            return principalStamp == userStamp;
        }
    }
}
