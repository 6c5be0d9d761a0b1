using System.Text.RegularExpressions;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Messaging;

/// <summary>
/// Finds what looks like a Social Security number in free text (123-45-6789, 123 45 6789 or 9 digits standing alone, valid by the
/// SSA's rules), so a client is warned before sending one and staff see it masked.
/// </summary>
public static partial class SsnText
{
    public static bool Contains(string? text) => !string.IsNullOrEmpty(text) && Candidates().Matches(text).Any(IsSsn);

    /// <summary>The first SSN-shaped value in <paramref name="text"/>, normalized (123-45-6789), or null.</summary>
    public static string? First(string? text) =>
        string.IsNullOrEmpty(text) ? null : Candidates().Matches(text).Where(IsSsn).Select(m => SsnValidator.Validate(Digits(m)).Normalized).FirstOrDefault();

    /// <summary>Each SSN-shaped value replaced by its masked form (***-**-6789).</summary>
    public static string Mask(string text) => Candidates().Replace(text, m => IsSsn(m) ? SsnProtector.Mask(m.Value) : m.Value);

    /// <summary>Each SSN-shaped value replaced by <paramref name="replacement"/>.</summary>
    public static string Replace(string text, string replacement) => Candidates().Replace(text, m => IsSsn(m) ? replacement : m.Value);

    private static bool IsSsn(Match match) => SsnValidator.Validate(Digits(match)).IsValid;

    private static string Digits(Match match) => new([.. match.Value.Where(char.IsAsciiDigit)]);

    // Three, two and four digits with the same separator (dash, space, dot or none), not inside a longer number.
    [GeneratedRegex(@"(?<![\d-])\d{3}([- .]?)\d{2}\1\d{4}(?![\d-])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Candidates();
}
