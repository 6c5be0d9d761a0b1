using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Compliance.Consents;

/// <summary>What a consent lets the firm do with a client's tax return information (IRC §7216). Each is its own document.</summary>
public enum ConsentKind
{
    /// <summary>Tell the person who referred the client that they became a client, who they are, and when their return was completed.</summary>
    ReferralDisclosure,
}

public enum ConsentDecision
{
    Granted,
    Declined,
}

/// <summary>
/// One decision a client made on a consent screen, with the exact text they were shown (and its SHA-256), the name they typed as their
/// signature and when. A granted consent is in force until it expires (one year unless the text says otherwise) or is revoked; a new
/// decision is a new row, so the history of every consent is kept.
/// </summary>
public class ClientConsent
{
    public const int MaxSignedNameLength = 200;
    public const int MaxTextLength = 8000;

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public ConsentKind Kind { get; set; }
    public ConsentDecision Decision { get; set; }

    /// <summary>Which wording (e.g. "referral-disclosure/2026-12"), so a later change of wording never rewrites what was signed.</summary>
    public required string TextVersion { get; set; }

    /// <summary>The exact text shown, with the recipient named.</summary>
    public required string Text { get; set; }

    /// <summary>SHA-256 of <see cref="Text"/> (UTF-8), hex.</summary>
    public required string TextHash { get; set; }

    /// <summary>The full name the client typed to sign (granted only).</summary>
    public string? SignedName { get; set; }

    public DateTime DecidedAt { get; set; }

    /// <summary>When a granted consent stops being in force by itself (it then behaves exactly as revoked).</summary>
    public DateTime? ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    public bool InForceAt(DateTime now) => Decision == ConsentDecision.Granted && RevokedAt is null && ExpiresAt > now;
}

/// <summary>The one rule for "may the referrer see this person?": a granted, unrevoked, unexpired referral-disclosure consent.</summary>
public static class ReferralConsent
{
    /// <summary>Of <paramref name="clientIds"/>, those whose referral-disclosure consent is in force at <paramref name="now"/>.</summary>
    public static async Task<IReadOnlySet<Guid>> SharedAsync(TaxGeniusDbContext db, IEnumerable<Guid?> clientIds, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = clientIds.Where(id => id is not null).Select(id => id!.Value).Distinct().ToList();
        var shared = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            shared.UnionWith(await db.ClientConsents.AsNoTracking()
                .Where(c => chunk.Contains(c.UserId) && c.Kind == ConsentKind.ReferralDisclosure && c.Decision == ConsentDecision.Granted
                            && c.RevokedAt == null && c.ExpiresAt > now)
                .Select(c => c.UserId).ToListAsync(cancellationToken));
        }

        return shared;
    }
}
