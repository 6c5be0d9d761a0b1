namespace TaxGenius.Core.Sessions;

/// <summary>
/// A short, friendly name for a User-Agent ("Chrome on Windows", "Safari on iPhone"). Deliberately small: it names the browser
/// families and systems people use; anything else reads "Unknown browser on Unknown device". Never used for decisions.
/// </summary>
public static class DeviceDescription
{
    public static string From(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown browser on unknown device";
        }

        return $"{Browser(userAgent)} on {System(userAgent)}";
    }

    private static string Browser(string ua) =>
        // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", headless Chromium says "HeadlessChrome".
        Has(ua, "Edg/") || Has(ua, "EdgA/") || Has(ua, "EdgiOS/") ? "Edge"
        : Has(ua, "OPR/") || Has(ua, "Opera") ? "Opera"
        : Has(ua, "Firefox/") || Has(ua, "FxiOS/") ? "Firefox"
        : Has(ua, "SamsungBrowser/") ? "Samsung Internet"
        : Has(ua, "Chrome/") || Has(ua, "CriOS/") || Has(ua, "Chromium/") ? "Chrome"
        : Has(ua, "Safari/") ? "Safari"
        : Has(ua, "curl/") ? "curl"
        : "Unknown browser";

    private static string System(string ua) =>
        Has(ua, "iPhone") ? "iPhone"
        : Has(ua, "iPad") ? "iPad"
        : Has(ua, "Android") ? "Android"
        : Has(ua, "Windows") ? "Windows"
        : Has(ua, "Mac OS X") || Has(ua, "Macintosh") ? "macOS"
        : Has(ua, "CrOS") ? "ChromeOS"
        : Has(ua, "Linux") ? "Linux"
        : "unknown device";

    private static bool Has(string ua, string token) => ua.Contains(token, StringComparison.OrdinalIgnoreCase);
}
