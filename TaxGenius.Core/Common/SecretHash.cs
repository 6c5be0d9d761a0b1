using System.Security.Cryptography;
using System.Text;

namespace TaxGenius.Core.Common;

/// <summary>
/// How one-time secrets (invitation links, API tokens) are stored: the lowercase hex SHA-256 of the secret's UTF-8 bytes.
/// The secrets are 256 random bits, so a plain hash (no salt, no stretching) is enough and allows lookup by hash.
/// </summary>
public static class SecretHash
{
    public static string Of(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
