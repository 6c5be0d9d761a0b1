namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The light or dark theme a person chose with the app bar's toggle, remembered in the <c>tg-theme</c> cookie (a preference, not
/// personal data) so the next visit and the static account pages open in it. Without a choice the app follows the browser's scheme.
/// App.razor reads the cookie while the page is rendered over HTTP and hands it to the root component, which records it here for
/// the circuit; the layout reads and changes it here, so a layout rebuilt later in the same tab still knows the latest choice.
/// </summary>
public sealed class ThemeChoice
{
    public const string CookieName = "tg-theme";

    /// <summary>True for dark, false for light, null when the person has not chosen (the browser's scheme decides).</summary>
    public bool? Dark { get; set; }

    /// <summary>"dark" or "light" from the request's cookie; anything else (absent, tampered) is no choice.</summary>
    public static string? FromRequest(HttpRequest request) =>
        request.Cookies[CookieName] is { } value && value is "dark" or "light" ? value : null;

    /// <summary>What a light/dark toggle does when clicked (its accessible name and tooltip); js/account-theme.js writes the same.</summary>
    public static string ToggleLabel(bool dark) => dark ? "Switch to light mode" : "Switch to dark mode";

    /// <summary>Records the choice App.razor read; a later call (a re-render of the root) does not undo a toggle made since.</summary>
    public void Capture(string? value)
    {
        Dark ??= value switch { "dark" => true, "light" => false, _ => null };
    }
}
