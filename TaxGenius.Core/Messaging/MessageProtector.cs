using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Messaging;

/// <summary>
/// Encrypts message bodies as the SSN is encrypted: AES-256-GCM envelopes <c>m1:{keyId}:{nonce}:{tag}:{ciphertext}</c> under the same
/// key ring (<c>Ssn:Keys</c>, <c>Ssn:ActiveKeyId</c>), so one rotation story covers both (<c>--rotate-ssn-keys</c> re-encrypts message
/// bodies too). The associated data binds the message id and its conversation: a body copied to another row does not decrypt.
/// </summary>
public sealed class MessageProtector(IOptions<SsnProtectionOptions> options)
{
    public const string Version = "m1";
    private readonly KeyRing keys = new(KeyRingSettings.Ssn, options.Value.Keys, options.Value.ActiveKeyId);

    public string ActiveKeyId => keys.ActiveKeyId;

    public string Protect(Guid conversationId, Guid messageId, string text)
    {
        var plaintext = Encoding.UTF8.GetBytes(text);
        try
        {
            return AesGcmEnvelope.Seal(Version, keys.ActiveKeyId, keys.ActiveKey, plaintext, AssociatedData(conversationId, messageId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The text, or null when the envelope does not open (damaged, moved, or under a key no longer configured).</summary>
    public string? Unprotect(Guid conversationId, Guid messageId, string envelope)
    {
        var (parts, _) = AesGcmEnvelope.Parse(envelope, Version);
        if (parts is null || keys.Find(parts.KeyId) is not { } key)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(AesGcmEnvelope.Open(parts, key, AssociatedData(conversationId, messageId)));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public bool NeedsRotation(string envelope) => !envelope.StartsWith($"{Version}:{ActiveKeyId}:", StringComparison.Ordinal);

    private static string AssociatedData(Guid conversationId, Guid messageId) => $"message:{conversationId:D}:{messageId:D}";
}
