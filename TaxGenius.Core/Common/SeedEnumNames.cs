using System.Collections.Frozen;
using System.Text;

namespace TaxGenius.Core.Common;

/// <summary>
/// Maps C# enum members to the names the seed design uses in the database and on the wire
/// (<c>Form1099</c> ↔ <c>FORM_1099</c>, <c>TaxReturn</c> ↔ <c>TAX_RETURN</c>).
/// </summary>
public static class SeedEnumNames<TEnum> where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> ToNames =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => ToScreamingSnake(v.ToString()));

    private static readonly FrozenDictionary<string, TEnum> FromNames =
        ToNames.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static string ToName(TEnum value) => ToNames[value];

    public static TEnum Parse(string name) =>
        FromNames.TryGetValue(name, out var value)
            ? value
            : throw new FormatException($"'{name}' is not a {typeof(TEnum).Name}.");

    public static IReadOnlyCollection<string> Names => FromNames.Keys;

    internal static string ToScreamingSnake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (i > 0 && ((char.IsUpper(c) && !char.IsUpper(pascal[i - 1])) || (char.IsDigit(c) && !char.IsDigit(pascal[i - 1]) && !char.IsUpper(pascal[i - 1]))))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }
}
