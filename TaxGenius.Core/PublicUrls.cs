using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core;

/// <summary>
/// Every absolute link the app sends (e-mails, referral links) comes from one base URL: <c>TaxGenius:PublicBaseUrl</c>. Never from a
/// request: its Host header is whatever the sender wrote, so a link built from it could point a victim's password reset at an
/// attacker. Outside Development the setting is required (checked at start). In Development, when it is unset, the address the
/// server itself listens on is used (<see cref="UseServerAddress"/>), which no request can change.
/// </summary>
public sealed class PublicUrls(IOptions<TaxGeniusOptions> options)
{
    /// <summary>Where <c>dotnet run --project TaxGenius.Web</c> listens (launchSettings.json) before the server reports its address.</summary>
    public const string DevelopmentDefault = "http://localhost:5097";

    private string? serverAddress;

    public string BaseUrl =>
        (options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : serverAddress ?? DevelopmentDefault).TrimEnd('/');

    /// <summary>Development without a configured base URL: the first address the server listens on (a wildcard host becomes localhost).</summary>
    public void UseServerAddress(string address)
    {
        if (serverAddress is null && Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            var host = uri.Host is "0.0.0.0" or "::" or "[::]" ? "localhost" : uri.Host;
            serverAddress = $"{uri.Scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{uri.Port}";
        }
    }

    public string Absolute(string path) => BaseUrl + "/" + path.TrimStart('/');

    /// <summary>The link in a confirmation e-mail; <paramref name="token"/> is Identity's token as it generated it.</summary>
    public string ConfirmEmail(Guid userId, string token, string? returnUrl = null) =>
        WithQuery("Account/ConfirmEmail", ("userId", userId.ToString()), ("code", Encode(token)), ("returnUrl", returnUrl));

    /// <summary>The link in a password-reset e-mail (also "choose your password" for accounts created by an administrator).</summary>
    public string ResetPassword(string token) => WithQuery("Account/ResetPassword", ("code", Encode(token)));

    /// <summary>The link that confirms a change of address.</summary>
    public string ConfirmEmailChange(Guid userId, string newEmail, string token) =>
        WithQuery("Account/ConfirmEmailChange", ("userId", userId.ToString()), ("email", newEmail), ("code", Encode(token)));

    /// <summary>Identity tokens travel base64url-encoded (the pages decode them).</summary>
    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private string WithQuery(string path, params (string Name, string? Value)[] query) =>
        QueryHelpers.AddQueryString(Absolute(path), query.Where(q => q.Value is not null).Select(q => KeyValuePair.Create(q.Name, q.Value)));
}
