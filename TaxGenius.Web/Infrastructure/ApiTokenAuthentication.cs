using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Personal access tokens (<c>Authorization: Bearer tgp_…</c>) next to the cookie: the default scheme is a policy scheme that
/// forwards to <see cref="Scheme"/> when the request carries a bearer token, else to Identity's application cookie, so every
/// policy works for both. Bearer requests are never redirected to the sign-in page: they get 401/403 ProblemDetails.
/// </summary>
public static class ApiTokenAuthentication
{
    public const string Scheme = "ApiToken";
    public const string PolicyScheme = "CookieOrApiToken";

    /// <summary>The claim naming the token a request authenticated with.</summary>
    public const string TokenIdClaim = "tg_api_token";

    /// <summary>True when the request authenticates with a bearer token (and so carries no cookie authority: no antiforgery needed).</summary>
    public static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().Trim() is { } header
        && (header.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));

    internal static string? BearerToken(HttpRequest request) =>
        IsBearer(request) ? request.Headers.Authorization.ToString().Trim()["Bearer".Length..].Trim() : null;

    /// <summary>The policy scheme (the default) and the token scheme; Identity's cookies are added by the caller.</summary>
    public static AuthenticationBuilder AddApiTokens(this AuthenticationBuilder builder) => builder
        .AddPolicyScheme(PolicyScheme, "Cookie or API token", o => o.ForwardDefaultSelector = context =>
            IsBearer(context.Request) ? Scheme : IdentityConstants.ApplicationScheme)
        .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(Scheme, "API token", null);
}

/// <summary>
/// Looks the token's hash up (<see cref="ApiTokenService.FindAsync"/>), refuses revoked or expired tokens and accounts that may not
/// sign in (deactivated, locked, unconfirmed) or are not administrators, and builds the principal with the app's
/// <see cref="IUserClaimsPrincipalFactory{TUser}"/>: exactly the claims a cookie sign-in carries.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<ApplicationUser> userManager,
    SignInManager<ApplicationUser> signInManager,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string NotAdminKey = "TaxGenius.ApiToken.NotAdmin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ApiTokenAuthentication.BearerToken(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        var match = await tokens.FindAsync(secret, Context.RequestAborted);
        if (match is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        var user = await userManager.FindByIdAsync(match.UserId.ToString());
        if (user is null || user.DeactivatedAt is not null || user.LockedAt is not null || await userManager.IsLockedOutAsync(user)
            || !await signInManager.CanSignInAsync(user))
        {
            Logger.ApiTokenAccountRefused(match.TokenId);
            return AuthenticateResult.Fail("The API token's account cannot sign in.");
        }

        // The same principal a cookie sign-in would carry (roles, the MFA claim); its roles answer the admin check too.
        var principal = await claimsFactory.CreateAsync(user);
        if (!principal.IsInRole(Roles.Admin))
        {
            // Tokens are for administrators (the owner was demoted without the tokens being revoked): authenticated as nobody, answered 403.
            Context.Items[NotAdminKey] = true;
            Logger.ApiTokenAccountRefused(match.TokenId);
            return AuthenticateResult.Fail("API tokens work for administrators only.");
        }

        // Which token acted, for the audit log (the breach report's "by API token").
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new System.Security.Claims.Claim(ApiTokenAuthentication.TokenIdClaim, match.TokenId.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(NotAdminKey))
        {
            return HandleForbiddenAsync(properties);
        }

        Response.Headers.WWWAuthenticate = "Bearer realm=\"TaxGenius API\", error=\"invalid_token\"";
        return Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send a valid, unrevoked, unexpired API token as 'Authorization: Bearer tgp_…'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"TaxGenius API\", error=\"insufficient_scope\"";
        return Problem(StatusCodes.Status403Forbidden, "Forbidden", "The API token's account is not allowed to do this.");
    }

    private Task Problem(int status, string title, string detail)
    {
        Response.Headers.CacheControl = "no-store";
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
    }
}
