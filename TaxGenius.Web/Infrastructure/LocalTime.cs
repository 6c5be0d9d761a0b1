using System.Globalization;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Shows moments (stored in UTC) in the person's own time zone: "Dec 6, 2026, 9:14 AM EST" for a preparer in New York, "8:14 AM CST"
/// for a client in Chicago. The zone is the browser's (<c>Intl.DateTimeFormat().resolvedOptions().timeZone</c>), which
/// js/timezone.js keeps in the <c>tg-tz</c> cookie on every page, the sign-in page included; App.razor reads it while the page is
/// rendered over HTTP and hands it to the root component, which records it here for the circuit, as it does the theme. Without the
/// cookie (a first visit straight to an app page, script blocked) or with a zone this server does not know, times are in UTC and
/// say so. Due dates and payout dates are calendar days, not moments: they are shown as they are, never shifted.
/// </summary>
public sealed class LocalTime
{
    public const string CookieName = "tg-tz";

    /// <summary>Longest IANA id accepted from the cookie ("America/Argentina/ComodRivadavia" is 32).</summary>
    private const int MaxZoneIdLength = 64;

    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    // "9:14 AM EST" never breaks over two lines: no-break spaces inside it.
    private const string Nbsp = "\u00A0";

    // How US time zones are written; any other zone is written as its offset ("GMT+1", "GMT+5:30"), as browsers write it.
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["Coordinated Universal Time"] = "UTC",
        ["Eastern Standard Time"] = "EST",
        ["Eastern Daylight Time"] = "EDT",
        ["Central Standard Time"] = "CST",
        ["Central Daylight Time"] = "CDT",
        ["Mountain Standard Time"] = "MST",
        ["Mountain Daylight Time"] = "MDT",
        ["Pacific Standard Time"] = "PST",
        ["Pacific Daylight Time"] = "PDT",
        ["Alaska Standard Time"] = "AKST",
        ["Alaska Daylight Time"] = "AKDT",
        ["Hawaii-Aleutian Standard Time"] = "HST",
        ["Hawaii-Aleutian Daylight Time"] = "HDT",
        ["Atlantic Standard Time"] = "AST",
        ["Atlantic Daylight Time"] = "ADT",
        ["Chamorro Standard Time"] = "ChST",
    };

    /// <summary>The zone times are shown in: the browser's, or UTC until it is known.</summary>
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>The cookie's zone id when it names a zone this server knows; anything else (absent, tampered, too long) is null.</summary>
    public static string? FromRequest(HttpRequest request) => Find(request.Cookies[CookieName]) is { } zone ? zone.Id : null;

    /// <summary>Records the zone App.razor read (an unknown or missing id keeps UTC).</summary>
    public void Capture(string? zoneId) => Zone = Find(zoneId) ?? Zone;

    /// <summary>The zone for an IANA id, or null when the id is missing, malformed or unknown here.</summary>
    public static TimeZoneInfo? Find(string? zoneId)
    {
        if (string.IsNullOrWhiteSpace(zoneId) || zoneId.Length > MaxZoneIdLength ||
            !zoneId.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone) ? zone : null;
    }

    /// <summary>The calendar day of a moment where the person is: "Dec 6, 2026", or in another day format ("MMMM d": "December 6").</summary>
    public string Day(DateTime utc, string format = "MMM d, yyyy") => Local(utc).ToString(format, Us);

    /// <summary>Today's date where the person is (a payment date they type defaults to it).</summary>
    public DateTime Today(TimeProvider clock) => Local(clock.GetUtcNow().UtcDateTime).Date;

    /// <summary>A moment in full: "Dec 6, 2026, 9:14 AM EST".</summary>
    public string Moment(DateTime utc) => Moment(utc, Zone);

    /// <summary>A recent moment, as a conversation shows it: "Dec 6, 9:14 AM".</summary>
    public string Recent(DateTime utc) => Local(utc).ToString($"MMM d, h:mm{Nbsp}tt", Us);

    /// <summary>The time of day with its zone: "9:14 AM EST".</summary>
    public string Time(DateTime utc) => Time(utc, Zone);

    /// <summary>The zone's name at a moment: "EST", "EDT", "UTC" or "GMT+1".</summary>
    public string ZoneName(DateTime utc) => ZoneName(utc, Zone);

    /// <summary><see cref="Moment(DateTime)"/> in a given zone.</summary>
    public static string Moment(DateTime utc, TimeZoneInfo zone) =>
        $"{Local(utc, zone).ToString("MMM d, yyyy, ", Us)}{Time(utc, zone)}";

    /// <summary><see cref="Time(DateTime)"/> in a given zone.</summary>
    public static string Time(DateTime utc, TimeZoneInfo zone) => $"{Local(utc, zone).ToString($"h:mm{Nbsp}tt", Us)}{Nbsp}{ZoneName(utc, zone)}";

    /// <summary><see cref="ZoneName(DateTime)"/> in a given zone.</summary>
    public static string ZoneName(DateTime utc, TimeZoneInfo zone)
    {
        if (zone.Equals(TimeZoneInfo.Utc))
        {
            return "UTC";
        }

        var instant = AsUtc(utc);
        if (Abbreviations.TryGetValue(zone.IsDaylightSavingTime(instant) ? zone.DaylightName : zone.StandardName, out var abbreviation))
        {
            return abbreviation;
        }

        var offset = zone.GetUtcOffset(instant);
        if (offset == TimeSpan.Zero)
        {
            return "GMT";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var magnitude = offset.Duration();
        return magnitude.Minutes == 0 ? $"GMT{sign}{magnitude.Hours}" : $"GMT{sign}{magnitude.Hours}:{magnitude.Minutes:00}";
    }

    private DateTime Local(DateTime utc) => Local(utc, Zone);

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(AsUtc(utc), zone);

    // Every DateTime the app stores is UTC; SQLite hands some back as Unspecified.
    private static DateTime AsUtc(DateTime at) => at.Kind == DateTimeKind.Utc ? at : DateTime.SpecifyKind(at, DateTimeKind.Utc);
}
