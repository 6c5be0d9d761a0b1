using TaxGenius.Core.Identity;

namespace TaxGenius.Core.ApiTokens;

/// <summary>
/// A personal access token for the REST API (<c>Authorization: Bearer tgp_…</c>). The secret is shown once, when it is made; only
/// its SHA-256 is stored, so a database reader cannot use a token. <see cref="Prefix"/> (the first characters of the secret) lets
/// its owner recognise it in the list.
/// </summary>
public class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public required string Name { get; set; }

    /// <summary>The secret's first <see cref="ApiTokenService.PrefixLength"/> characters, for recognising it (not enough to use it).</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole secret, lower-case hex.</summary>
    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Every token expires, at most <see cref="ApiTokenService.MaxLifetime"/> after it was made.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>Updated at most once per <see cref="ApiTokenService.LastUsedResolution"/>.</summary>
    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
