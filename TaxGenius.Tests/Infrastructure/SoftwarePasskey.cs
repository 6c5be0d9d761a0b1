using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// A passkey held in the test (an ES256 key pair, as a phone or security key holds one): it is stored on an account as Identity stores
/// a registered passkey, and it signs WebAuthn assertions exactly as an authenticator would, for any origin the test names. With it a
/// test can present a correctly signed assertion made on another site and show that only the origin makes the difference.
/// </summary>
public sealed class SoftwarePasskey : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private uint signCount;

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>The passkey as registration stores it (public key in COSE form, user-verified, not synced).</summary>
    public UserPasskeyInfo ToPasskeyInfo(DateTimeOffset createdAt) =>
        new(CredentialId, CosePublicKey(), createdAt, signCount: 0, transports: ["internal"], isUserVerified: true,
            isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: Encoding.UTF8.GetBytes("{}"))
        {
            Name = "Test passkey",
        };

    /// <summary>
    /// The JSON a browser posts after navigator.credentials.get: the server's <paramref name="challenge"/> signed for relying party
    /// <paramref name="rpId"/>, with <paramref name="origin"/> in the client data (where the browser says the page was).
    /// </summary>
    public string Assert(string challenge, string rpId, string origin, Guid userId)
    {
        var clientData = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "webauthn.get",
            ["challenge"] = challenge,
            ["origin"] = origin,
            ["crossOrigin"] = false,
        });
        signCount++;
        var authenticatorData = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(rpId)).CopyTo(authenticatorData, 0);
        authenticatorData[32] = 0x05; // user present, user verified
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(authenticatorData.AsSpan(33), signCount);
        var signature = key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        var id = Base64Url.EncodeToString(CredentialId);
        return JsonSerializer.Serialize(new
        {
            id,
            rawId = id,
            type = "public-key",
            authenticatorAttachment = "platform",
            clientExtensionResults = new { },
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientData),
                authenticatorData = Base64Url.EncodeToString(authenticatorData),
                signature = Base64Url.EncodeToString(signature),
                userHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId.ToString())),
            },
        });
    }

    public void Dispose() => key.Dispose();

    /// <summary>COSE_Key (RFC 9053) of the EC2 P-256 public key, algorithm ES256.</summary>
    private byte[] CosePublicKey()
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(5);
        writer.WriteInt32(1);
        writer.WriteInt32(2); // kty: EC2
        writer.WriteInt32(3);
        writer.WriteInt32(-7); // alg: ES256
        writer.WriteInt32(-1);
        writer.WriteInt32(1); // crv: P-256
        writer.WriteInt32(-2);
        writer.WriteByteString(parameters.Q.X!);
        writer.WriteInt32(-3);
        writer.WriteByteString(parameters.Q.Y!);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
