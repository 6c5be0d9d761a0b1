using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Sessions;

namespace TaxGenius.Web.Components.Account;

/// <summary>
/// Ties the application cookie to a server-side session (<see cref="SessionService"/>): signing in records a session and puts its id
/// in the cookie (claim <see cref="SessionClaims.SessionId"/>); every request checks it (after Identity's security-stamp validation);
/// signing out revokes it. Only the application cookie scheme: bearer-token principals are not sessions.
/// </summary>
internal static class SessionCookieEvents
{
    public static void Apply(CookieAuthenticationEvents events)
    {
        events.OnSigningIn = SigningInAsync;
        events.OnValidatePrincipal = ValidatePrincipalAsync;
        events.OnSigningOut = SigningOutAsync;
    }

    /// <summary>
    /// A new sign-in gets a new session. A re-issue for the user already signed in on this request (RefreshSignInAsync after a
    /// password or profile change, the 2FA pages) keeps their current session. Signing in as someone else ends the old one.
    /// </summary>
    private static async Task SigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || !TryGetUserId(context.HttpContext, context.Principal, out var userId))
        {
            return;
        }

        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionService>();
        var cancellationToken = context.HttpContext.RequestAborted;
        foreach (var stale in identity.FindAll(SessionClaims.SessionId).ToList())
        {
            identity.RemoveClaim(stale);
        }

        Guid? sessionId = null;
        var current = context.HttpContext.User;
        if (SessionClaims.Find(current) is { } currentSession && TryGetUserId(context.HttpContext, current, out var currentUserId))
        {
            if (currentUserId == userId && await sessions.IsActiveAsync(currentSession, userId, cancellationToken))
            {
                sessionId = currentSession;
            }
            else if (currentUserId != userId)
            {
                await sessions.RevokeAsync(currentUserId, currentSession, SessionRevocationReasons.Replaced, cancellationToken);
            }
        }

        sessionId ??= await sessions.CreateAsync(userId, context.HttpContext.Connection.RemoteIpAddress?.ToString(),
            context.HttpContext.Request.Headers.UserAgent.ToString(), cancellationToken);
        identity.AddClaim(new Claim(SessionClaims.SessionId, sessionId.Value.ToString("N")));
    }

    /// <summary>
    /// Identity's security-stamp validation first (role changes, locks, password changes). Then the session: a principal whose
    /// session is revoked, expired or missing (a cookie from before sessions existed) is rejected and the cookie removed.
    /// </summary>
    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var sessionId = SessionClaims.Find(principal);
        var hasUser = TryGetUserId(context.HttpContext, principal, out var userId);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionService>();
        var cancellationToken = context.HttpContext.RequestAborted;

        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (context.Principal is null)
        {
            // Rejected by the stamp (and signed out): the session behind the cookie is over too.
            if (sessionId is { } ended && hasUser)
            {
                await sessions.RevokeAsync(userId, ended, SessionRevocationReasons.AccountChanged, cancellationToken);
            }

            return;
        }

        if (sessionId is not { } id || !hasUser || !await sessions.ValidateAsync(id, userId, cancellationToken))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }

    /// <summary>Signing out (the sign-out endpoint, or any SignInManager.SignOutAsync) revokes the request's session.</summary>
    private static async Task SigningOutAsync(CookieSigningOutContext context)
    {
        var user = context.HttpContext.User;
        if (SessionClaims.Find(user) is { } sessionId && TryGetUserId(context.HttpContext, user, out var userId))
        {
            await context.HttpContext.RequestServices.GetRequiredService<SessionService>()
                .RevokeAsync(userId, sessionId, SessionRevocationReasons.SignedOut, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>Carries the session and sign-in method claims over when the security-stamp validator rebuilds the principal (chained after any other handler).</summary>
    public static void KeepSessionOnRefresh(SecurityStampValidatorOptions options)
    {
        var previous = options.OnRefreshingPrincipal;
        options.OnRefreshingPrincipal = async context =>
        {
            if (previous is not null)
            {
                await previous(context);
            }

            // The session id, and how this session signed in ("amr": a passkey sign-in satisfies the staff policy, see StaffMfa).
            foreach (var type in new[] { SessionClaims.SessionId, "amr" })
            {
                if (context.CurrentPrincipal?.FindFirst(type) is { } claim
                    && context.NewPrincipal?.Identity is ClaimsIdentity identity && identity.FindFirst(type) is null)
                {
                    identity.AddClaim(new Claim(type, claim.Value));
                }
            }
        };
    }

    private static bool TryGetUserId(HttpContext httpContext, ClaimsPrincipal? principal, out Guid userId)
    {
        userId = Guid.Empty;
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        var claimType = httpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType;
        return Guid.TryParse(principal.FindFirstValue(claimType), out userId);
    }
}
