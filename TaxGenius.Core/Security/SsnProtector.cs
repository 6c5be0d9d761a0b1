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
    private readonly KeyRing keys;

    public SsnProtector(IOptions<SsnProtectionOptions> options)
    {
        keys = new KeyRing(KeyRingSettings.Ssn, options.Value.Keys, options.Value.ActiveKeyId);
    }

    public string ActiveKeyId => keys.ActiveKeyId;

    public IReadOnlyCollection<string> KeyIds => keys.KeyIds;

    /// <summary>Encrypts <paramref name="ssn"/> (any form <see cref="SsnValidator"/> accepts; stored normalized) for <paramref name="userId"/>.</summary>
    public string Protect(Guid userId, string ssn)
    {
        var normalized = SsnValidator.Validate(ssn).Normalized
            ?? throw new ArgumentException("Not a valid SSN (the value is not repeated here).", nameof(ssn));
        return Seal(userId, normalized);
    }

    /// <summary>
    /// Encrypts a demo number: 9xx-xx-xxxx, an area the SSA never issues (which is why <see cref="SsnValidator"/> refuses it from
    /// people), so sample data can never be anyone's SSN. Only the demo firm uses it.
    /// </summary>
    internal string ProtectSampleNumber(Guid userId, string number)
    {
        if (number.Length != 11 || number[0] != '9' || number[3] != '-' || number[6] != '-'
            || !number.Where((c, i) => i is not 3 and not 6).All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A sample number must be 9xx-xx-xxxx.", nameof(number));
        }

        return Seal(userId, number);
    }

    private string Seal(Guid userId, string normalized)
    {
        var plaintext = Encoding.UTF8.GetBytes(normalized);
        try
        {
            return AesGcmEnvelope.Seal(Version, ActiveKeyId, keys.ActiveKey, plaintext, AssociatedData(userId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts an envelope written by <see cref="Protect"/> for the same user; throws <see cref="SsnDecryptionException"/> otherwise.</summary>
    public string Unprotect(Guid userId, string envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var (parts, error) = AesGcmEnvelope.Parse(envelope, Version);
        if (parts is null)
        {
            throw new SsnDecryptionException($"The stored SSN is {error}.");
        }

        if (keys.Find(parts.KeyId) is not { } key)
        {
            throw new SsnDecryptionException($"The stored SSN was encrypted with key '{AesGcmEnvelope.Printable(parts.KeyId)}', which is not under Ssn:Keys.");
        }

        try
        {
            return Encoding.UTF8.GetString(AesGcmEnvelope.Open(parts, key, AssociatedData(userId)));
        }
        catch (CryptographicException e)
        {
            throw new SsnDecryptionException("The stored SSN failed authentication: it was altered, belongs to another user, or was relabelled with another key.", e);
        }
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

    /// <summary>The envelope is bound to its user (the version and key id are bound by the envelope itself).</summary>
    private static string AssociatedData(Guid userId) => userId.ToString("D");
}
