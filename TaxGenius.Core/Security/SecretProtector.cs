using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Security;

/// <summary>Settings under <c>DataProtection</c>: the key ring (not in the database) that encrypts the secrets the database keeps.</summary>
public sealed class DataProtectionKeyOptions
{
    public const string Section = "DataProtection";

    /// <summary>Key id → base64 of a 256-bit key.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    public string? ActiveKeyId { get; set; }
}

/// <summary>Checks the ring at start; each message names the setting and never shows a key.</summary>
public sealed class DataProtectionKeyOptionsValidator : IValidateOptions<DataProtectionKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, DataProtectionKeyOptions options)
    {
        var errors = KeyRingSettings.DataProtection.Validate(options.Keys, options.ActiveKeyId).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Encrypts the small secrets the database must keep but must not keep readable: the ASP.NET Core Data Protection key ring (with it
/// one could forge cookies and reset links) and Identity's authenticator keys and recovery codes (with them one could compute any
/// staff member's codes). AES-256-GCM under <c>DataProtection:Keys</c>, whose keys live in configuration, never in the database:
/// a copy of the database alone reveals none of them. Envelope <c>tgs1:{keyId}:{nonce}:{tag}:{ciphertext}</c>, bound to its purpose.
/// </summary>
public sealed class SecretProtector(IOptions<DataProtectionKeyOptions> options)
{
    public const string Version = "tgs1";

    private readonly KeyRing keys = new(KeyRingSettings.DataProtection, options.Value.Keys, options.Value.ActiveKeyId);

    public string ActiveKeyId => keys.ActiveKeyId;

    /// <summary>True for a value this protector wrote (anything else is a value from before secrets were encrypted).</summary>
    public static bool IsProtected(string? value) => value is not null && value.StartsWith(Version + ":", StringComparison.Ordinal);

    public string Protect(string purpose, string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return AesGcmEnvelope.Seal(Version, keys.ActiveKeyId, keys.ActiveKey, bytes, purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// A keyed hash of a short secret (an e-mailed 6-digit code): <c>tgh1:{keyId}:{hex}</c>, HMAC-SHA256 under a key derived from the
    /// active ring key for <paramref name="purpose"/>. A plain hash of a 6-digit code is reversed by trying a million values; without the
    /// ring (configuration, not the database) this one cannot be.
    /// </summary>
    public string Hash(string purpose, string value) => HashWith(keys.ActiveKeyId, keys.ActiveKey, purpose, value);

    /// <summary>Whether <paramref name="value"/> is what <see cref="Hash"/> gave <paramref name="stored"/> (false for a key no longer in the ring).</summary>
    public bool Verify(string purpose, string value, string stored)
    {
        var parts = stored.Split(':');
        if (parts is not [HashVersion, var keyId, _] || keys.Find(keyId) is not { } key)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashWith(keyId, key, purpose, value)), Encoding.ASCII.GetBytes(stored));
    }

    /// <summary>Whether the ring still holds the key a <see cref="Hash"/> value was made with (so <see cref="Verify"/> can answer).</summary>
    public bool CanVerify(string stored) => stored.Split(':') is [HashVersion, var keyId, _] && keys.Find(keyId) is not null;

    private const string HashVersion = "tgh1";

    private static string HashWith(string keyId, byte[] ringKey, string purpose, string value)
    {
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ringKey, 32, salt: [], info: Encoding.UTF8.GetBytes("taxgenius-hash:" + purpose));
        try
        {
            return $"{HashVersion}:{keyId}:{Convert.ToHexStringLower(HMACSHA256.HashData(macKey, Encoding.UTF8.GetBytes(value)))}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    /// <summary>Decrypts what <see cref="Protect"/> wrote for the same purpose; throws <see cref="CryptographicException"/> otherwise.</summary>
    public string Unprotect(string purpose, string envelope)
    {
        var (parts, error) = AesGcmEnvelope.Parse(envelope, Version);
        if (parts is null)
        {
            throw new CryptographicException($"A protected secret is {error}.");
        }

        var key = keys.Find(parts.KeyId)
            ?? throw new CryptographicException($"A protected secret was encrypted with key '{AesGcmEnvelope.Printable(parts.KeyId)}', which is not under DataProtection:Keys.");
        return Encoding.UTF8.GetString(AesGcmEnvelope.Open(parts, key, purpose));
    }
}
