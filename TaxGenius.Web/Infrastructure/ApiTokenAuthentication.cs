using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Caching;
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
        .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(Scheme, "API token", null)
        .AddApiTokenPrincipalCache();

    private static AuthenticationBuilder AddApiTokenPrincipalCache(this AuthenticationBuilder builder)
    {
        builder.Services.AddSingleton<ApiTokenPrincipalCache>();
        return builder;
    }
}

/// <summary>
/// Instance-local memory of authenticated tokens, keyed by the token's SHA-256: the principal's claims, the token's id, owner and expiry,
/// valid only under the owner's <see cref="SecurityVersions"/> version they were built under (a revocation, lock, deactivation, role or
/// claim change, stamp change or deletion on any instance retires it before the next request) and for at most <see cref="Lifetime"/>.
/// Only successes are kept: refusals always go to the database.
/// </summary>
internal sealed class ApiTokenPrincipalCache(TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public VersionedLocalCache<string, CachedTokenPrincipal> Tokens { get; } = new(timeProvider, 10_000, Lifetime);
}

/// <summary>A token's authenticated principal, as plain claims (a new principal is made from them for each request).</summary>
internal sealed class CachedTokenPrincipal(Guid tokenId, Guid userId, DateTime expiresAt, string? authenticationType, string nameType, string roleType,
    (string Type, string Value, string ValueType)[] claims, DateTime lastUsedAt)
{
    private long lastUsedTicks = lastUsedAt.Ticks;

    public Guid TokenId { get; } = tokenId;

    public Guid UserId { get; } = userId;

    public DateTime ExpiresAt { get; } = expiresAt;

    public static CachedTokenPrincipal From(ApiTokenMatch match, ClaimsPrincipal principal, DateTime now)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        return new CachedTokenPrincipal(match.TokenId, match.UserId, match.ExpiresAt, identity.AuthenticationType, identity.NameClaimType,
            identity.RoleClaimType, [.. identity.Claims.Select(c => (c.Type, c.Value, c.ValueType))], now);
    }

    public ClaimsPrincipal ToPrincipal() =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value, c.ValueType)), authenticationType, nameType, roleType));

    /// <summary>True for the one caller that should note a use now (none noted within <see cref="ApiTokenService.LastUsedResolution"/>).</summary>
    public bool ClaimUse(DateTime now)
    {
        var last = Interlocked.Read(ref lastUsedTicks);
        return now.Ticks - last >= ApiTokenService.LastUsedResolution.Ticks && Interlocked.CompareExchange(ref lastUsedTicks, now.Ticks, last) == last;
    }
}

/// <summary>
/// Looks the token's hash up (<see cref="ApiTokenService.FindAsync"/>), refuses revoked or expired tokens and accounts that may not
/// sign in (deactivated, locked, unconfirmed) or are not administrators, and builds the principal with the app's
/// <see cref="IUserClaimsPrincipalFactory{TUser}"/>: exactly the claims a cookie sign-in carries. An accepted token's principal is kept in
/// <see cref="ApiTokenPrincipalCache"/>: the next requests cost one read of the owner's security version instead of the token, user,
/// lockout, role and claim queries.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<ApplicationUser> userManager,
    SignInManager<ApplicationUser> signInManager,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    ApiTokenPrincipalCache cache,
    SecurityVersions versions,
    TimeProvider timeProvider)
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

        var hash = ApiTokenService.HashOf(secret);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var cancellationToken = Context.RequestAborted;
        if (hash is not null && cache.Tokens.TryPeek(hash, out var known, out _) && known.ExpiresAt > now
            && cache.Tokens.TryGet(hash, await versions.CurrentAsync(known.UserId, cancellationToken), out var cached) && cached.ExpiresAt > now)
        {
            if (cached.ClaimUse(now))
            {
                await tokens.NoteUseAsync(cached.TokenId, cancellationToken);
            }

            return Success(cached.ToPrincipal(), cached.TokenId);
        }

        var found = await tokens.FindAsync(secret, cancellationToken);
        if (found is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        // The owner's version before the reads the principal rests on (then the token again): whatever changes after them retires it.
        var version = await versions.CurrentAsync(found.UserId, cancellationToken);
        var match = version is null ? found : await tokens.FindAsync(secret, cancellationToken);
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

        var entry = CachedTokenPrincipal.From(match, principal, now);
        cache.Tokens.Set(hash!, version, entry);
        return Success(entry.ToPrincipal(), match.TokenId);
    }

    private AuthenticateResult Success(ClaimsPrincipal principal, Guid tokenId)
    {
        // Which token acted, for the audit log (the breach report's "by API token").
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(ApiTokenAuthentication.TokenIdClaim, tokenId.ToString()));
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
