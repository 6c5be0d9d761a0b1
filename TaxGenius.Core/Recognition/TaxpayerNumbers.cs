using System.Text.RegularExpressions;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// SSNs and ITINs printed on forms ("123-45-6789", or masked by the payer as "XXX-XX-6789" / "***-**-6789"): found so a preparer sees
/// that the form carries one (its last four digits only), and masked in everything recognition keeps. An EIN ("12-3456789") is a
/// business's number and is left as printed.
/// </summary>
public static partial class TaxpayerNumbers
{
    /// <summary>The last four digits of the first taxpayer number in <paramref name="text"/>, as "***-**-1234", or null.</summary>
    public static string? FindMasked(string text) =>
        Number().Match(text) is { Success: true } match ? Masked(match.Groups["last"].Value) : null;

    /// <summary><paramref name="text"/> with every taxpayer number replaced by its masked form.</summary>
    public static string Mask(string text) => Number().Replace(text, m => Masked(m.Groups["last"].Value));

    private static string Masked(string lastFour) => $"***-**-{lastFour}";

    [GeneratedRegex(@"(?<![\w-])(?:\d{3}|[Xx*]{3})[- ](?:\d{2}|[Xx*]{2})[- ](?<last>\d{4})(?![\w-])|(?<=(?:ssn|social security number|tin)[^\d\n]{0,12})(?<![\d])\d{5}(?<last>\d{4})(?!\d)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Number();
}
