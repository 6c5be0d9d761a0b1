namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The light or dark theme a person chose with the app bar's toggle, remembered in the <c>tg-theme</c> cookie (a preference, not
/// personal data) so the next visit and the static account pages open in it. Without a choice the app follows the browser's scheme.
/// App.razor reads the cookie while the page is rendered over HTTP and hands it to the root component, which records it here for
/// the circuit; the layout reads and changes it here, so a layout rebuilt later in the same tab still knows the latest choice.
/// Without a choice, the browser's scheme is known only once the page is interactive, after its first paint; the layout keeps it in
/// the <c>tg-scheme</c> cookie, so the next page a dark browser opens is dark from its first paint instead of flashing light.
/// Chromium-based browsers also tell it with every request (the Sec-CH-Prefers-Color-Scheme hint), from the very first page on.
/// </summary>
public sealed class ThemeChoice
{
    public const string CookieName = "tg-theme";

    /// <summary>The browser's own scheme as the app last saw it (not a choice: it follows the browser when that changes).</summary>
    public const string SchemeCookieName = "tg-scheme";

    /// <summary>True for dark, false for light, null when the person has not chosen (the browser's scheme decides).</summary>
    public bool? Dark { get; set; }

    /// <summary>The browser's scheme as last seen (true for dark), or null before the app has seen it.</summary>
    public bool? SeenDark { get; set; }

    /// <summary>What the page is painted in before it is interactive: the choice, else the browser's scheme as last seen, else light.</summary>
    public bool StartsDark => Dark ?? SeenDark ?? false;

    /// <summary>"dark" or "light" from the request's cookie; anything else (absent, tampered) is no choice.</summary>
    public static string? FromRequest(HttpRequest request) => Valid(request.Cookies[CookieName]);

    /// <summary>
    /// The client hint that carries the browser's scheme (Chromium-based browsers send it once the site asked for it with
    /// Accept-CH; Critical-CH makes them request the very first page again with it). Its value is dark or light, quoted or not.
    /// </summary>
    public const string SchemeHintHeader = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>
    /// The browser's scheme, "dark" or "light": the tg-scheme cookie, the scheme the page's script last saw, else the client hint
    /// (a first visit). The cookie comes first because it is what the page itself matched (a page that emulates a scheme, as a test
    /// browser does, and the browser's hint can disagree); a real browser that changed its scheme is followed once the page is
    /// interactive, and the cookie with it. Anything else (absent, tampered) is null.
    /// </summary>
    public static string? SchemeFromRequest(HttpRequest request) =>
        Valid(request.Cookies[SchemeCookieName]) ?? Valid(request.Headers[SchemeHintHeader].ToString().Trim().Trim('"'));

    private static string? Valid(string? value) => value is "dark" or "light" ? value : null;

    private static bool? IsDark(string? value) => value switch { "dark" => true, "light" => false, _ => null };

    /// <summary>What a light/dark toggle does when clicked (its accessible name and tooltip); js/account-theme.js writes the same.</summary>
    public static string ToggleLabel(bool dark) => dark ? "Switch to light mode" : "Switch to dark mode";

    /// <summary>
    /// Records the choice and the browser's scheme App.razor read; a later call (a re-render of the root) does not undo a toggle
    /// made or a scheme seen since.
    /// </summary>
    public void Capture(string? value, string? scheme = null)
    {
        Dark ??= IsDark(value);
        SeenDark ??= IsDark(scheme);
    }
}
