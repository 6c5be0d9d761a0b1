using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Security;

/// <summary>An SSN envelope that does not decrypt: altered, copied from another user's row, or under a key no longer configured. Never carries the SSN.</summary>
public sealed class SsnDecryptionException(string message, Exception? inner = null) : CryptographicException(message, inner);

/// <summary>
/// Encrypts SSNs with AES-256-GCM into a versioned envelope <c>v1:{keyId}:{nonce}:{tag}:{ciphertext}</c> (base64 parts,
/// 96-bit random nonce, 128-bit tag). The associated data binds the version, the key id and the user id, so an envelope
/// copied to another user's row, or relabelled with another key id, fails to decrypt. Every configured key decrypts;
/// only <see cref="ActiveKeyId"/> encrypts.
/// </summary>
public sealed class SsnProtector
{
    public const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, byte[]> keys;

    public SsnProtector(IOptions<SsnProtectionOptions> options)
    {
        var value = options.Value;
        var errors = SsnProtectionOptionsValidator.Check(value, production: false).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SsnProtectionOptions.Section, typeof(SsnProtectionOptions), errors);
        }

        keys = value.Keys.ToDictionary(k => k.Key, k => MasterKeys.TryDecode(k.Value)!, StringComparer.Ordinal);
        ActiveKeyId = value.ActiveKeyId!;
    }

    public string ActiveKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>Encrypts <paramref name="ssn"/> (any form <see cref="SsnValidator"/> accepts; stored normalized) for <paramref name="userId"/>.</summary>
    public string Protect(Guid userId, string ssn)
    {
        var normalized = SsnValidator.Validate(ssn).Normalized
            ?? throw new ArgumentException("Not a valid SSN (the value is not repeated here).", nameof(ssn));
        var plaintext = Encoding.UTF8.GetBytes(normalized);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(keys[ActiveKeyId], TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(ActiveKeyId, userId));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return string.Join(':', Version, ActiveKeyId, Convert.ToBase64String(nonce), Convert.ToBase64String(tag), Convert.ToBase64String(ciphertext));
    }

    /// <summary>Decrypts an envelope written by <see cref="Protect"/> for the same user; throws <see cref="SsnDecryptionException"/> otherwise.</summary>
    public string Unprotect(Guid userId, string envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var parts = envelope.Split(':');
        if (parts.Length != 5 || parts[0] != Version)
        {
            throw new SsnDecryptionException("The stored SSN is not a v1 envelope.");
        }

        var keyId = parts[1];
        if (!keys.TryGetValue(keyId, out var key))
        {
            throw new SsnDecryptionException($"The stored SSN was encrypted with key '{Printable(keyId)}', which is not under Ssn:Keys.");
        }

        byte[] nonce, tag, ciphertext;
        try
        {
            nonce = Convert.FromBase64String(parts[2]);
            tag = Convert.FromBase64String(parts[3]);
            ciphertext = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException e)
        {
            throw new SsnDecryptionException("The stored SSN envelope is damaged (bad base64).", e);
        }

        if (nonce.Length != NonceSize || tag.Length != TagSize)
        {
            throw new SsnDecryptionException("The stored SSN envelope is damaged (nonce or tag size).");
        }

        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(keyId, userId));
        }
        catch (CryptographicException e)
        {
            throw new SsnDecryptionException("The stored SSN failed authentication: it was altered, belongs to another user, or was relabelled with another key.", e);
        }

        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>True when the envelope is not under the active key (or is not a current-version envelope): rotation re-encrypts it.</summary>
    public bool NeedsRotation(string envelope) =>
        !envelope.StartsWith($"{Version}:{ActiveKeyId}:", StringComparison.Ordinal);

    /// <summary>Only the last four digits: <c>***-**-6789</c>.</summary>
    public static string Mask(string ssn)
    {
        var digits = new string([.. ssn.Where(char.IsAsciiDigit)]);
        return digits.Length < 4 ? "***-**-****" : "***-**-" + digits[^4..];
    }

    private static byte[] AssociatedData(string keyId, Guid userId) => Encoding.UTF8.GetBytes($"{Version}:{keyId}:{userId:D}");

    private static string Printable(string keyId) =>
        keyId.Length <= 32 && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? keyId : "(unreadable)";
}
