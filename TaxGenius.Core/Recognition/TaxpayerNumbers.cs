using System.Text.RegularExpressions;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// SSNs and ITINs printed on forms ("123-45-6789", or masked by the payer as "XXX-XX-6789" / "***-**-6789"): found so a preparer sees
/// that the form carries one (its last four digits only), and masked in everything recognition keeps. An EIN ("12-3456789") is a
/// business's number and is left as printed. OCR of a photo mistakes a few digits for letters ("XXX-XX-B278", "123-45-67S9",
/// "XXX-XX-9O9B"): such a number is a taxpayer number too, masked, and its last four read as digits, when at least two of its last four
/// are true digits and the rest is the payer's mask or has four true digits in its first five (words do not: "BOSS", "SOB-IS").
/// OCR may also add a character to the last four ("XXX-XX-B8458", "XXX-XX-54A57", "123-45-67B89"): five characters, four of them
/// digits, are those four digits (so a full number OCR added to is still masked in the kept text).
/// </summary>
public static partial class TaxpayerNumbers
{
    /// <summary>The last four digits of the first taxpayer number in <paramref name="text"/>, as "***-**-1234", or null.</summary>
    public static string? FindMasked(string text) =>
        Number().Matches(text).FirstOrDefault(IsNumber) is { } match ? Masked(LastFour(match)) : null;

    /// <summary><paramref name="text"/> with every taxpayer number replaced by its masked form.</summary>
    public static string Mask(string text) => Number().Replace(text, m => IsNumber(m) ? Masked(LastFour(m)) : m.Value);

    /// <summary>Whether a match is a number OCR may have garbled rather than a word (see the class's summary).</summary>
    private static bool IsNumber(Match match) =>
        (match.Groups["loose"].Success ? match.Groups["loose"].Value.Count(char.IsAsciiDigit) == 4 : match.Groups["last"].Value.Count(char.IsAsciiDigit) >= 2)
        && (!match.Groups["first"].Success || match.Groups["first"].Value.Count(char.IsAsciiDigit) >= 4);

    /// <summary>The last four as read, or the four digits of five characters OCR read after a mask, or of two pieces it split them into.</summary>
    private static string LastFour(Match match) =>
        match.Groups["loose"].Success ? string.Concat(match.Groups["loose"].Value.Where(char.IsAsciiDigit)) : match.Groups["last"].Value;

    private static string Masked(string lastFour) => "***-**-" + string.Concat(lastFour.Select(c => c switch
    {
        'B' or 'b' => '8',
        'O' or 'o' => '0',
        'I' or 'i' or 'L' or 'l' => '1',
        'S' or 's' => '5',
        _ => c,
    }));

    // "first" holds an unmasked number's first five characters; "loose", the last four as OCR loosened them, taken only when they hold
    // four digits: with a character added, or split in two words ("XXX-XX-45 36"; a full number split so is masked too); the
    // lookbehind form is an SSN printed without dashes after its label.
    [GeneratedRegex(@"(?<![\w-])(?:(?<first>[\dBOIlS]{3}[- ][\dBOIlS]{2})|[Xx*]{3}[- ][Xx*]{2})[- ](?:(?<last>[\dBOIlS]{4})|(?<loose>[\dA-Za-z]{5})|(?<loose>\d{1,3} \d{1,3}))(?![\w-])|(?<=(?:ssn|social security number|tin)[^\d\n]{0,12})(?<![\d])\d{5}(?<last>\d{4})(?!\d)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Number();
}
