namespace TaxGenius.Core.Audit;

/// <summary>
/// One link of the audit log's hash chain: the entry it seals, its place in the chain, and a keyed hash (HMAC-SHA256 under a key
/// derived from <c>DataProtection:Keys</c>, which are not in the database) over the previous link's hash and every field of the
/// entry. Changing an entry, removing one or removing a link breaks the chain at that place; without the key nobody can rebuild it.
/// Append-only like the entries (the context refuses changes; PostgreSQL refuses them by trigger).
/// </summary>
public class AuditChainLink
{
    /// <summary>1, 2, 3, … with no gaps, in the order entries were sealed.</summary>
    public long Sequence { get; set; }

    public Guid EntryId { get; set; }

    /// <summary><c>tgh1:{keyId}:{hex}</c> (see <see cref="Security.SecretProtector.Hash"/>).</summary>
    public required string Hash { get; set; }

    public DateTime SealedAt { get; set; }
}
