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
}
