using System.Security.Cryptography;
using System.Text;

namespace TaxGenius.Core.RateLimiting;

/// <summary>Rate-limit subjects that must not hold personal data: an e-mail address is counted under a hash of it.</summary>
public static class RateLimitSubjects
{
    /// <summary>A short SHA-256 of the normalized (upper-case) address or user name.</summary>
    public static string ForAccount(string? normalizedName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedName ?? "")))[..32];
}
