using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Live;

namespace TaxGenius.Core.Compliance.Consents;

/// <summary>A consent screen's content: the exact text (recipient named), its version and hash, and the default duration.</summary>
public sealed record ConsentOffer(ConsentKind Kind, string Title, string Text, string TextVersion, string TextHash, string RecipientName, TimeSpan Duration);

/// <summary>One consent as the client's Account settings list it.</summary>
public sealed record ConsentView(Guid Id, ConsentKind Kind, string Title, ConsentDecision Decision, string? SignedName, DateTime DecidedAt,
    DateTime? ExpiresAt, DateTime? RevokedAt, bool InForce, string Text, string TextHash)
{
    public string Status => Decision == ConsentDecision.Declined ? "Declined"
        : RevokedAt is { } revoked ? "Revoked " + Day(revoked)
        : InForce ? "In force until " + Day(ExpiresAt!.Value)
        : "Expired " + Day(ExpiresAt!.Value);

    public static string Day(DateTime at) => at.ToString("MMM d, yyyy", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What a decision did, or why it was refused (said next to the field).</summary>
public sealed record ConsentResult(bool Succeeded, string? Error = null);

/// <summary>Sent to the referrer's pages when a client's consent changes, so they re-read what they may show.</summary>
public sealed record ReferralConsentChanged(Guid ReferrerId);

/// <summary>
/// Consents under IRC §7216 done by the book (Rev. Proc. 2013-14): each on its own screen after registration, never a condition of
/// service; the firm, the recipient, what is disclosed, the purpose and the duration stated; the mandatory statement verbatim; signed
/// with a typed name and dated; the exact text kept with its SHA-256. Clients revoke at any time; revocation and expiry take effect at
/// once everywhere the referrer looks (pages, CSV, e-mails), because every read asks <see cref="ReferralConsent.SharedAsync"/>.
/// </summary>
public sealed class ConsentService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    AuditLog audit,
    LiveChannel live,
    IOptions<TaxGeniusOptions> options,
    TimeProvider timeProvider)
{
    public const string ReferralTextVersion = "referral-disclosure/2026-12";

    /// <summary>What clients agreed to before consents had their own screen (a registration checkbox); kept for their year, then expired.</summary>
    public const string LegacyTextVersion = "registration-checkbox/2026-11";

    public const string LegacyText = "Let the person who referred me know that I became a client. (A checkbox on the registration form.)";

    /// <summary>One year: Rev. Proc. 2013-14's duration when the consent names none.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromDays(365);

    /// <summary>The paragraphs Rev. Proc. 2013-14 (section 5.03) requires, verbatim, on every consent to disclose.</summary>
    public const string MandatoryStatement =
        "Federal law requires this consent form be provided to you. Unless authorized by law, we cannot disclose your tax return information to " +
        "third parties for purposes other than the preparation and filing of your tax return without your consent. If you consent to the " +
        "disclosure of your tax return information, Federal law may not protect your tax return information from further use or distribution.\n\n" +
        "You are not required to complete this form to engage our tax return preparation services. If we obtain your signature on this form by " +
        "conditioning our tax return preparation services on your consent, your consent will not be valid. If you agree to the disclosure of " +
        "your tax return information, your consent is valid for the amount of time that you specify. If you do not specify the duration of your " +
        "consent, your consent is valid for one year from the date of signature.\n\n" +
        "If you believe your tax return information has been disclosed or used improperly in a manner unauthorized by law or without your " +
        "permission, you may contact the Treasury Inspector General for Tax Administration (TIGTA) by telephone at 1-800-366-4484, or by email " +
        "at complaints@tigta.treas.gov.";

    public static string Title(ConsentKind kind) => kind switch
    {
        ConsentKind.ReferralDisclosure => "Consent to disclose tax return information to the person who referred you",
        _ => kind.ToString(),
    };

    /// <summary>The referral-disclosure offer for this client, or null when nobody referred them (nothing to consent to).</summary>
    public async Task<ConsentOffer?> OfferAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var referrer = await db.Referrals.AsNoTracking().Where(r => r.ClientUserId == clientId && !r.Unattributed)
            .Select(r => new
            {
                r.Referrer!.Email,
                First = r.Referrer.Profile != null ? r.Referrer.Profile.FirstName : null,
                Last = r.Referrer.Profile != null ? r.Referrer.Profile.LastName : null,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (referrer is null)
        {
            return null;
        }

        var name = $"{referrer.First} {referrer.Last}".Trim();
        var recipient = name.Length > 0 ? $"{name} ({referrer.Email})" : referrer.Email ?? "the person who referred you";
        var firm = options.Value.FirmName;
        var text =
            $"{firm} asks your permission to tell {recipient}, who referred you to {firm}, the following tax return information: your name " +
            "and e-mail address, that you became a client, and the dates on which you signed up and your return was completed. Nothing else " +
            "from your return (no amounts, no documents, no SSN) is disclosed.\n\n" +
            $"Purpose: so that {recipient} can see whom they referred and be paid the referral commission {firm} pays for each referred " +
            "client.\n\n" +
            "Duration: this consent is valid for one year from the date you sign it. You may revoke it at any time in Account settings → " +
            "Consents; revocation takes effect at once.\n\n" +
            MandatoryStatement;
        return new ConsentOffer(ConsentKind.ReferralDisclosure, Title(ConsentKind.ReferralDisclosure), text, ReferralTextVersion, Common.SecretHash.Of(text), recipient,
            DefaultDuration);
    }

    /// <summary>The offer when the client has not decided yet (the screen shown once after registration), else null.</summary>
    public async Task<ConsentOffer?> PendingOfferAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ClientConsents.AnyAsync(c => c.UserId == clientId && c.Kind == ConsentKind.ReferralDisclosure, cancellationToken))
            {
                return null;
            }
        }

        return await OfferAsync(clientId, cancellationToken);
    }

    /// <summary>
    /// Signs the consent the client was shown (<paramref name="shownTextHash"/>; refused if the text has changed since) with the name they
    /// typed. Any consent of the kind still in force is superseded, so at most one is in force.
    /// </summary>
    public Task<ConsentResult> GrantAsync(Guid clientId, string? typedName, string? shownTextHash, AuditActor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(clientId, ConsentDecision.Granted, typedName, shownTextHash, actor, cancellationToken);

    /// <summary>Records "no": nothing is disclosed and the screen is not shown again (the client can still consent later from Account settings).</summary>
    public Task<ConsentResult> DeclineAsync(Guid clientId, string? shownTextHash, AuditActor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(clientId, ConsentDecision.Declined, null, shownTextHash, actor, cancellationToken);

    /// <summary>Revokes one of the client's own consents in force; false when it is not theirs or no longer in force.</summary>
    public async Task<bool> RevokeAsync(Guid clientId, Guid consentId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (revoked, referrerId) = await db.InTransactionAsync(async (transaction, ct) =>
        {
            var consent = await db.ClientConsents.SingleOrDefaultAsync(c => c.Id == consentId && c.UserId == clientId, ct);
            if (consent is null || !consent.InForceAt(now))
            {
                return (false, (Guid?)null);
            }

            consent.RevokedAt = now;
            audit.Add(db, actor, AuditActions.ConsentRevoked, nameof(ClientConsent), consent.Id, clientId, $"{consent.Kind} ({consent.TextVersion})");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (true, await ReferrerOfAsync(db, clientId, ct));
        }, cancellationToken);
        if (referrerId is { } id)
        {
            await TellReferrerAsync(id, cancellationToken);
        }

        return revoked;
    }

    /// <summary>Every decision the client made, newest first.</summary>
    public async Task<IReadOnlyList<ConsentView>> ListAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ClientConsents.AsNoTracking().Where(c => c.UserId == clientId)
            .OrderByDescending(c => c.DecidedAt).ThenByDescending(c => c.Id).ToListAsync(cancellationToken);
        return rows.Select(c => new ConsentView(c.Id, c.Kind, Title(c.Kind), c.Decision, c.SignedName, c.DecidedAt, c.ExpiresAt, c.RevokedAt,
            c.InForceAt(now), c.Text, c.TextHash)).ToList();
    }

    /// <summary>Why a typed signature is refused, or null.</summary>
    public static string? SignatureRefusal(string? typedName) => typedName?.Trim() switch
    {
        null or { Length: 0 } => "Type your full name to sign, or choose \"Don't share\".",
        { Length: > ClientConsent.MaxSignedNameLength } => $"Your name can be at most {ClientConsent.MaxSignedNameLength} characters.",
        { Length: < 2 } => "Type your full name (first and last) to sign.",
        _ => null,
    };

    private async Task<ConsentResult> DecideAsync(Guid clientId, ConsentDecision decision, string? typedName, string? shownTextHash, AuditActor actor,
        CancellationToken cancellationToken)
    {
        if (decision == ConsentDecision.Granted && SignatureRefusal(typedName) is { } refusal)
        {
            return new ConsentResult(false, refusal);
        }

        var offer = await OfferAsync(clientId, cancellationToken);
        if (offer is null)
        {
            return new ConsentResult(false, "Nobody referred you, so there is nothing to consent to.");
        }

        if (!string.Equals(offer.TextHash, shownTextHash, StringComparison.Ordinal))
        {
            return new ConsentResult(false, "The consent's text has changed since this page was opened. Read it again below, then decide.");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var referrerId = await db.InTransactionAsync(async (transaction, ct) =>
        {
            foreach (var current in await db.ClientConsents.Where(c => c.UserId == clientId && c.Kind == offer.Kind && c.Decision == ConsentDecision.Granted
                                                                       && c.RevokedAt == null).ToListAsync(ct))
            {
                current.RevokedAt = now; // superseded by the new decision
            }

            var consent = new ClientConsent
            {
                UserId = clientId,
                Kind = offer.Kind,
                Decision = decision,
                TextVersion = offer.TextVersion,
                Text = offer.Text,
                TextHash = offer.TextHash,
                SignedName = decision == ConsentDecision.Granted ? typedName!.Trim() : null,
                DecidedAt = now,
                ExpiresAt = decision == ConsentDecision.Granted ? now + offer.Duration : null,
                IpAddress = actor.IpAddress,
                UserAgent = actor.UserAgent,
            };
            db.ClientConsents.Add(consent);
            audit.Add(db, actor, decision == ConsentDecision.Granted ? AuditActions.ConsentGranted : AuditActions.ConsentDeclined, nameof(ClientConsent),
                consent.Id, clientId, $"{offer.Kind} ({offer.TextVersion}, sha256 {offer.TextHash[..12]}…)");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return await ReferrerOfAsync(db, clientId, ct);
        }, cancellationToken);
        if (referrerId is { } id)
        {
            await TellReferrerAsync(id, cancellationToken);
        }

        return new ConsentResult(true);
    }

    private static Task<Guid?> ReferrerOfAsync(TaxGeniusDbContext db, Guid clientId, CancellationToken cancellationToken) =>
        db.Referrals.Where(r => r.ClientUserId == clientId && !r.Unattributed).Select(r => (Guid?)r.ReferrerId).FirstOrDefaultAsync(cancellationToken);

    private Task TellReferrerAsync(Guid referrerId, CancellationToken cancellationToken) =>
        live.SendToUserAsync(referrerId, ConsentEvents.ReferralConsentChanged, new ReferralConsentChanged(referrerId), cancellationToken);
}

public static class ConsentEvents
{
    public const string ReferralConsentChanged = "referral-consent";
}
