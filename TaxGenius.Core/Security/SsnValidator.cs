using System.Text.RegularExpressions;

namespace TaxGenius.Core.Security;

/// <summary>The outcome of checking an SSN as typed: the normalized <c>ddd-dd-dddd</c> form, or one message for the field.</summary>
public sealed record SsnValidationResult(string? Normalized, string? Error)
{
    public bool IsValid => Normalized is not null;
}

/// <summary>
/// The seed's rule (<c>^\d{3}-\d{2}-\d{4}$</c>, ASCII digits) plus nine bare digits, minus numbers the SSA never issues:
/// area 000, 666 or 900–999, group 00, serial 0000. Messages never repeat the number.
/// </summary>
public static partial class SsnValidator
{
    public const string Required = "Enter a Social Security number.";
    public const string BadFormat = "Enter the SSN as 123-45-6789 or as 9 digits.";
    public const string AreaZero = "An SSN never starts with 000.";
    public const string Area666 = "An SSN never starts with 666.";
    public const string Area9 = "An SSN never starts with 9.";
    public const string GroupZero = "The middle two digits of an SSN are never 00.";
    public const string SerialZero = "The last four digits of an SSN are never 0000.";

    public static SsnValidationResult Validate(string? input)
    {
        var value = input?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return new(null, Required);
        }

        string digits;
        if (Dashed().IsMatch(value))
        {
            digits = value.Replace("-", "", StringComparison.Ordinal);
        }
        else if (Bare().IsMatch(value))
        {
            digits = value;
        }
        else
        {
            return new(null, BadFormat);
        }

        var area = digits[..3];
        var error = area switch
        {
            "000" => AreaZero,
            "666" => Area666,
            _ when area[0] == '9' => Area9,
            _ when digits[3..5] == "00" => GroupZero,
            _ when digits[5..] == "0000" => SerialZero,
            _ => null,
        };
        return error is null ? new($"{digits[..3]}-{digits[3..5]}-{digits[5..]}", null) : new(null, error);
    }

    /// <summary>The field message for MudBlazor's <c>Validation</c> (null when valid).</summary>
    public static string? ErrorFor(string? input) => Validate(input).Error;

    [GeneratedRegex("^[0-9]{3}-[0-9]{2}-[0-9]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex Dashed();

    [GeneratedRegex("^[0-9]{9}$", RegexOptions.CultureInvariant)]
    private static partial Regex Bare();
}
