using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;
using TaxGenius.Web.Components.Account;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// A page's form posted with a token that no longer matches (the sign-in page open in two tabs and used in one, a form left open
/// across a sign-out) is sent back to the same page, with a fresh form and a message, instead of the framework's answer: a bare
/// 400 that the status code pages turned into "We could not find that page" in Production, and a developer's hint in
/// Development. Nothing from the stale form is acted on, so a forged cross-site post still does nothing. The JSON API keeps its own
/// ProblemDetails for a missing token.
/// </summary>
internal sealed class StaleFormMiddleware(RequestDelegate next)
{
    public const string Message = "Error: That form had expired (it was open in another tab, or for a long time), so nothing was sent. Please try again.";

    public Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: false })
        {
            return next(context);
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            // 303: the browser comes back with a GET to the page it was on (a path of this site, never a caller's address).
            IdentityRedirectManager.SetStatusCookie(context, Message);
            return SeeOther(context, $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}");
        }

        // "Sign out" from a page that was open before signing out and in again in another tab: home, still signed in, where the menu's
        // "Sign out" (with a fresh token) works. A forged cross-site post cannot sign anyone out.
        return context.Request.Path.Equals(LogoutPath, StringComparison.OrdinalIgnoreCase) ? SeeOther(context, $"{context.Request.PathBase}/") : next(context);
    }

    public const string LogoutPath = "/Account/Logout";

    private static Task SeeOther(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
