using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Identity.Passkeys;

/// <summary>
/// Identity's passkey settings for TaxGenius (ADR-015). Every passkey is discoverable (sign-in without typing an e-mail, so the sign-in
/// page never tells whether an account exists) and user-verifying (PIN or biometric: two factors in one gesture). With
/// <c>TaxGenius:PublicBaseUrl</c> set, the relying party id is its host and only its exact origin is accepted, whatever Host header a
/// request carries; without it (Development) Identity's defaults apply: the request's host, and the origin the browser sent.
/// </summary>
public sealed class PasskeyOptionsSetup(IOptions<TaxGeniusOptions> taxGenius) : IConfigureOptions<IdentityPasskeyOptions>
{
    public void Configure(IdentityPasskeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ResidentKeyRequirement = "required";
        options.UserVerificationRequirement = "required";
        if (taxGenius.Value.PublicBaseUri is not { } site)
        {
            return;
        }

        options.ServerDomain = site.IdnHost;
        options.ValidateOrigin = context => ValueTask.FromResult(IsSiteOrigin(site, context.Origin, context.CrossOrigin));
    }

    /// <summary>The credential was made for exactly this site: same scheme, host and port, and not inside another site's frame.</summary>
    public static bool IsSiteOrigin(Uri site, string? origin, bool crossOrigin) =>
        !crossOrigin
        && Uri.TryCreate(origin, UriKind.Absolute, out var candidate)
        && candidate.AbsolutePath is "/" or ""
        && string.Equals(candidate.Scheme, site.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(candidate.IdnHost, site.IdnHost, StringComparison.OrdinalIgnoreCase)
        && candidate.Port == site.Port;
}
