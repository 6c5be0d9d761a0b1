using System.Security.Cryptography;

namespace TaxGenius.Core.Security;

/// <summary>
/// The text envelope of a small secret sealed with AES-256-GCM: <c>{version}:{keyId}:{nonce}:{tag}:{ciphertext}</c> (base64 parts,
/// 96-bit random nonce, 128-bit tag). The caller's associated data binds whatever the value must not be moved away from (the owner,
/// the purpose); the version and key id are always bound, so relabelling an envelope with another key id fails.
/// </summary>
internal static class AesGcmEnvelope
{
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public static string Seal(string version, string keyId, byte[] key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Bound(version, keyId, associatedData));
        }

        return string.Join(':', version, keyId, Convert.ToBase64String(nonce), Convert.ToBase64String(tag), Convert.ToBase64String(ciphertext));
    }

    /// <summary>The parts of an envelope of <paramref name="version"/>, or the reason it is not one (never showing its content).</summary>
    public static (Parts? Parts, string? Error) Parse(string envelope, string version)
    {
        var parts = envelope.Split(':');
        if (parts.Length != 5 || parts[0] != version)
        {
            return (null, $"not a {version} envelope");
        }

        try
        {
            var nonce = Convert.FromBase64String(parts[2]);
            var tag = Convert.FromBase64String(parts[3]);
            var ciphertext = Convert.FromBase64String(parts[4]);
            return nonce.Length != NonceSize || tag.Length != TagSize
                ? (null, "damaged (nonce or tag size)")
                : (new Parts(version, parts[1], nonce, tag, ciphertext), null);
        }
        catch (FormatException)
        {
            return (null, "damaged (bad base64)");
        }
    }

    /// <summary>Decrypts; throws <see cref="CryptographicException"/> when the envelope was altered or the associated data differs.</summary>
    public static byte[] Open(Parts parts, byte[] key, string associatedData)
    {
        var plaintext = new byte[parts.Ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(parts.Nonce, parts.Ciphertext, parts.Tag, plaintext, Bound(parts.Version, parts.KeyId, associatedData));
        return plaintext;
    }

    /// <summary>A printable key id for messages: the id itself when it looks like one, never arbitrary stored text.</summary>
    public static string Printable(string keyId) =>
        keyId.Length <= 32 && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? keyId : "(unreadable)";

    private static byte[] Bound(string version, string keyId, string associatedData) =>
        System.Text.Encoding.UTF8.GetBytes($"{version}:{keyId}:{associatedData}");

    public sealed record Parts(string Version, string KeyId, byte[] Nonce, byte[] Tag, byte[] Ciphertext);
}
