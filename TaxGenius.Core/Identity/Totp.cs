using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaxGenius.Core.Identity;

/// <summary>
/// RFC 6238 codes as authenticator apps compute them (HMAC-SHA1, 30-second steps, 6 digits) and the Base32 keys they scan:
/// the same algorithm Identity's authenticator token provider checks. Used to enroll the demo staff accounts with a known
/// key and to print its otpauth:// link; tests use it to answer the two-factor step.
/// </summary>
public static class Totp
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The 6-digit code for <paramref name="base32Key"/> at <paramref name="at"/>.</summary>
    public static string Code(string base32Key, DateTimeOffset at) => CodeAtStep(base32Key, StepAt(at));

    /// <summary>The 30-second time step (RFC 6238 counter) that contains <paramref name="at"/>.</summary>
    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>The 6-digit code for <paramref name="base32Key"/> in time step <paramref name="step"/>.</summary>
    public static string CodeAtStep(string base32Key, long step)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(message, (ulong)step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(FromBase32(base32Key), message, hash);
        var offset = hash[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff) % 1_000_000;
        return binary.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>A new random key (160 bits, as RFC 4226 recommends), Base32 without padding.</summary>
    public static string NewKey() => ToBase32(RandomNumberGenerator.GetBytes(20));

    /// <summary>True when <paramref name="key"/> is Base32 (spaces and case ignored) of at least 80 bits.</summary>
    public static bool IsValidKey(string? key)
    {
        var normalized = Normalize(key);
        return normalized.Length >= 16 && normalized.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
    }

    /// <summary>Upper case, without spaces, dashes or padding: how Identity stores an authenticator key.</summary>
    public static string Normalize(string? key) =>
        new((key ?? "").Where(c => c is not (' ' or '-' or '=')).Select(char.ToUpperInvariant).ToArray());

    /// <summary>The otpauth:// link an authenticator app scans (issuer TaxGenius, the account's e-mail as its label).</summary>
    public static string AuthenticatorUri(string email, string base32Key) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/TaxGenius:{Uri.EscapeDataString(email)}?secret={Normalize(base32Key)}&issuer=TaxGenius&digits=6");

    /// <summary>The key in groups of four, lower case, as people type it.</summary>
    public static string Format(string base32Key)
    {
        var normalized = Normalize(base32Key).ToLowerInvariant();
        var groups = Enumerable.Range(0, (normalized.Length + 3) / 4).Select(i => normalized.Substring(i * 4, Math.Min(4, normalized.Length - (i * 4))));
        return string.Join(' ', groups);
    }

    private static byte[] FromBase32(string key)
    {
        var normalized = Normalize(key);
        var bytes = new byte[normalized.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in normalized)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("The authenticator key is not Base32.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[index++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return bytes;
    }

    private static string ToBase32(ReadOnlySpan<byte> data)
    {
        var result = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                result.Append(Alphabet[(buffer >> bits) & 31]);
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            result.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return result.ToString();
    }
}
