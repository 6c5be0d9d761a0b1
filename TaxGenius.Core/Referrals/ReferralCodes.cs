using System.Security.Cryptography;

namespace TaxGenius.Core.Referrals;

/// <summary>The shape of referral codes: upper-case A–Z and 2–9 without the look-alikes I, L, O (0 and 1 are not allowed either).</summary>
public static class ReferralCodes
{
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int MinLength = 4;
    public const int MaxLength = 20;
    public const int RandomLength = 8;

    public static string NewRandom() =>
        new(Enumerable.Range(0, RandomLength).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());

    /// <summary>Trimmed and upper-cased (people type codes in any case); null when empty.</summary>
    public static string? Normalize(string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();

    /// <summary>Why <paramref name="code"/> (normalized) is not a valid vanity code, or null when it is.</summary>
    public static string? Validate(string? code)
    {
        if (code is null || code.Length < MinLength || code.Length > MaxLength)
        {
            return $"Use {MinLength} to {MaxLength} characters.";
        }

        var bad = code.Where(c => !Alphabet.Contains(c, StringComparison.Ordinal)).Distinct().ToList();
        if (bad.Count > 0)
        {
            return bad.Any(c => c is 'I' or 'L' or 'O' or '0' or '1')
                ? "Leave out I, L, O, 0 and 1: they are too easy to mix up when people type the code."
                : "Use only letters A–Z and digits 2–9.";
        }

        return null;
    }

    /// <summary>A plausible code (for links and cookies read back from the outside): checked before any database lookup.</summary>
    public static bool IsWellFormed(string? code) => code is not null && Validate(code) is null;
}
