using Microsoft.AspNetCore.Components;
using TaxGenius.Core.Common;

namespace TaxGenius.Web.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri)
    {
        navigationManager.NavigateTo(SafeTarget(uri ?? ""));
    }

    /// <summary>
    /// Prevents open redirects: a path on this site or a relative page name is followed; an absolute address only when it is inside
    /// this site; anything else (another host, <c>/\host</c>, control characters, a malformed address) goes home.
    /// </summary>
    private string SafeTarget(string uri)
    {
        if (LocalUrls.IsLocal(uri))
        {
            return uri;
        }

        if (uri.Length > 0 && uri[0] is not ('/' or '\\') && !uri.Any(char.IsControl) && Uri.IsWellFormedUriString(uri, UriKind.Relative))
        {
            return uri;
        }

        return uri.StartsWith(navigationManager.BaseUri, StringComparison.OrdinalIgnoreCase) && Uri.IsWellFormedUriString(uri, UriKind.Absolute)
            ? navigationManager.ToBaseRelativePath(uri)
            : "";
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        SetStatusCookie(context, message);
        RedirectTo(uri);
    }

    /// <summary>The message the next account page shows once (<c>StatusMessage</c>); "Error: …" shows as an error.</summary>
    public static void SetStatusCookie(HttpContext context, string message) =>
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", "Error: Your account could not be found.", context);
}
