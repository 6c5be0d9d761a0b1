using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>Endpoints the static account pages post to.</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var accountGroup = endpoints.MapGroup("/Account");

        // Signing out needs a signed-in user and a form post with the antiforgery token (Blazor forms add it).
        accountGroup.MapPost("/Logout", async (
            [FromServices] SignInManager<ApplicationUser> signInManager,
            [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            var target = string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal)
                ? "/"
                : returnUrl;
            return TypedResults.LocalRedirect($"~{target}");
        }).RequireAuthorization();

        // Passkeys (ADR-015). The options for registering one: for the signed-in user only, with the antiforgery header.
        accountGroup.MapPost("/PasskeyCreationOptions", async (
            HttpContext context,
            [FromServices] UserManager<ApplicationUser> userManager,
            [FromServices] SignInManager<ApplicationUser> signInManager,
            [FromServices] IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return AntiforgeryProblem();
            }

            if (await userManager.GetUserAsync(context.User) is not { } user)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in again to add a passkey.");
            }

            var userId = await userManager.GetUserIdAsync(user);
            var userName = await userManager.GetEmailAsync(user) ?? "TaxGenius account";
            var optionsJson = await signInManager.MakePasskeyCreationOptionsAsync(new() { Id = userId, Name = userName, DisplayName = userName });
            return TypedResults.Content(optionsJson, contentType: "application/json");
        }).RequireAuthorization();

        // The options for signing in: never for a named account (every passkey is discoverable), so the answer is the same whoever
        // asks and tells nobody whether an address has an account. Rate-limited per address (RateLimitingMiddleware).
        accountGroup.MapPost("/PasskeyRequestOptions", async (
            HttpContext context,
            [FromServices] SignInManager<ApplicationUser> signInManager,
            [FromServices] IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return AntiforgeryProblem();
            }

            var optionsJson = await signInManager.MakePasskeyRequestOptionsAsync(user: null);
            return TypedResults.Content(optionsJson, contentType: "application/json");
        }).AllowAnonymous();

        return accountGroup;
    }

    private static IResult AntiforgeryProblem() =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The page has expired. Reload it and try again.");
}
