using System.Globalization;

namespace TaxGenius.Core.Common;

/// <summary>
/// A count with its noun, as a person writes it: "1 return", "3 returns", "1,204 documents" (never "return(s)"). English only, like
/// the rest of the app; pass the plural for the irregular ones.
/// </summary>
public static class Plural
{
    public static string Of(long count, string singular, string? plural = null) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>
    /// A length of time in the largest unit it fills: "2.3 days", "4.1 hours", "12 minutes", "45 seconds", "under a second". Each
    /// value picks its own unit, so a list where one took hours and another seconds reads both (one unit for all showed "0 hours").
    /// </summary>
    public static string Span(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{span.TotalDays.ToString("0.0", CultureInfo.InvariantCulture)} days",
        { TotalHours: >= 1 } => $"{span.TotalHours.ToString("0.0", CultureInfo.InvariantCulture)} hours",
        { TotalMinutes: >= 1 } => Of((long)Math.Round(span.TotalMinutes), "minute"),
        { TotalSeconds: >= 1 } => Of((long)Math.Round(span.TotalSeconds), "second"),
        _ => "under a second",
    };
}
