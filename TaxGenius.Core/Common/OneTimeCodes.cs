using System.Globalization;
using System.Security.Cryptography;

namespace TaxGenius.Core.Common;

/// <summary>The 6-digit codes people receive by e-mail (signing, sign-in): made from a CSPRNG, read back ignoring spaces and dashes.</summary>
public static class OneTimeCodes
{
    public const int Length = 6;

    public static string New() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The digits of what a person typed ("123 456", "123-456" → "123456").</summary>
    public static string Digits(string? typed) => new((typed ?? "").Where(char.IsDigit).ToArray());
}
