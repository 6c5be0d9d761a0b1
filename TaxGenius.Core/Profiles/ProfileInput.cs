using System.Text.RegularExpressions;

namespace TaxGenius.Core.Profiles;

/// <summary>
/// The profile form as typed. The per-field rules are static so the page's fields (MudBlazor <c>Validation</c>) and
/// <see cref="ProfileService"/> apply the same ones; <see cref="Normalize"/> gives the stored forms
/// (phone <c>+15555550100</c>, ZIP <c>12345</c> or <c>12345-6789</c>, state code upper case, blanks as null).
/// </summary>
public sealed partial class ProfileInput
{
    public const int NameMaxLength = 100;
    public const int StreetMaxLength = 200;
    public const int CityMaxLength = 100;

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Phone { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? State { get; set; }
    public string? Zip { get; set; }

    /// <summary>Every field's problem, keyed by property name; empty when the input can be saved.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        void Check(string field, string? error)
        {
            if (error is not null)
            {
                errors[field] = error;
            }
        }

        Check(nameof(FirstName), ValidateFirstName(FirstName));
        Check(nameof(LastName), ValidateLastName(LastName));
        Check(nameof(Phone), ValidatePhone(Phone));
        Check(nameof(Street), ValidateStreet(Street));
        Check(nameof(City), ValidateCity(City));
        Check(nameof(State), ValidateState(State));
        Check(nameof(Zip), ValidateZip(Zip));
        return errors;
    }

    /// <summary>The stored forms; call only when <see cref="Validate"/> found nothing.</summary>
    public ProfileInput Normalize() => new()
    {
        FirstName = FirstName?.Trim(),
        LastName = LastName?.Trim(),
        Phone = NormalizePhone(Phone),
        Street = Blank(Street),
        City = Blank(City),
        State = UsStates.Find(Blank(State))?.Code,
        Zip = NormalizeZip(Zip),
    };

    public static ProfileInput From(Profile profile) => new()
    {
        FirstName = profile.FirstName,
        LastName = profile.LastName,
        Phone = FormatPhone(profile.Phone),
        Street = profile.Street,
        City = profile.City,
        State = profile.State,
        Zip = profile.Zip,
    };

    public static string? ValidateFirstName(string? value) => Name(value, "first name");

    public static string? ValidateLastName(string? value) => Name(value, "last name");

    public static string? ValidateStreet(string? value) =>
        value?.Trim().Length > StreetMaxLength ? $"Keep the street address to {StreetMaxLength} characters." : null;

    public static string? ValidateCity(string? value) =>
        value?.Trim().Length > CityMaxLength ? $"Keep the city to {CityMaxLength} characters." : null;

    public static string? ValidateState(string? value) =>
        Blank(value) is null || UsStates.Find(value) is not null ? null : "Choose a state or territory from the list.";

    public static string? ValidatePhone(string? value)
    {
        if (Blank(value) is not { } phone)
        {
            return null;
        }

        if (phone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '(' or ')' or '-' or '.' or '+')))
        {
            return "Use digits, spaces, ( ) - . or a leading +1, e.g. (555) 555-0100.";
        }

        var plus = phone.IndexOf('+', StringComparison.Ordinal);
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        if (plus > 0 || (plus == 0 && !digits.StartsWith('1')))
        {
            return "Only US numbers are accepted: start with +1 or leave the country code out.";
        }

        if (digits.Length == 11 && digits[0] == '1')
        {
            digits = digits[1..];
        }

        if (digits.Length != 10)
        {
            return "A US phone number has 10 digits, e.g. (555) 555-0100.";
        }

        if (digits[0] is '0' or '1')
        {
            return "A US area code never starts with 0 or 1.";
        }

        return digits[3] is '0' or '1' ? "The three digits after the area code never start with 0 or 1." : null;
    }

    public static string? ValidateZip(string? value)
    {
        if (Blank(value) is not { } zip)
        {
            return null;
        }

        return ZipPattern().IsMatch(zip) ? null : "Enter a 5-digit ZIP code or ZIP+4, e.g. 12345 or 12345-6789.";
    }

    /// <summary><c>+1</c> and the 10 digits, or null when blank.</summary>
    public static string? NormalizePhone(string? value)
    {
        if (Blank(value) is not { } phone)
        {
            return null;
        }

        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        return "+1" + (digits.Length == 11 ? digits[1..] : digits);
    }

    public static string? NormalizeZip(string? value)
    {
        if (Blank(value) is not { } zip)
        {
            return null;
        }

        var digits = zip.Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 9 ? $"{digits[..5]}-{digits[5..]}" : digits;
    }

    /// <summary>"+15555550100" as "(555) 555-0100" for the form.</summary>
    public static string? FormatPhone(string? stored) =>
        stored is { Length: 12 } s && s.StartsWith("+1", StringComparison.Ordinal) ? $"({s[2..5]}) {s[5..8]}-{s[8..]}" : stored;

    private static string? Name(string? value, string what)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return $"Enter your {what}.";
        }

        return name.Length > NameMaxLength ? $"Keep your {what} to {NameMaxLength} characters." : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>12345, 12345-6789 or 123456789.</summary>
    [GeneratedRegex("^[0-9]{5}(-?[0-9]{4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex ZipPattern();
}
