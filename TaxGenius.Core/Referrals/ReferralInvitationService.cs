using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.RateLimiting;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// Invitations and attribution: a referrer invites an address (a PENDING referral and the invitation e-mail, committed together);
/// registration ties the new client to the first referral for their address, else to the code on the form or in the cookie.
/// Consent (IRC §7216) holds here too: an invitation tells the referrer nothing about who already is a client.
/// </summary>
public sealed class ReferralInvitationService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IOptions<ReferralOptions> options,
    IRateLimitCounter rateLimits,
    EmailQueue emails,
    ReferralCodeService codes,
    TimeProvider timeProvider,
    ILogger<ReferralInvitationService> logger)
{
    public const string InvitationPolicy = "referral-invitations";

    /// <summary>
    /// Invites <paramref name="email"/>: a PENDING referral and the invitation e-mail. Refused, with a message that says why, for an
    /// invalid address, oneself, an address this referrer already invited, and past the daily limit. An address that already has an
    /// account, or that someone else referred first, gets the very same answer (IRC §7216: the referrer learns nothing about who is a
    /// client): the invitation is recorded as <see cref="Referral.Unattributed"/> and no e-mail is sent.
    /// </summary>
    public async Task<InvitationResult> InviteAsync(Guid referrerId, string? email, CancellationToken cancellationToken = default)
    {
        var address = NormalizeEmail(email);
        if (address is null)
        {
            return InvitationResult.Refused(EmailAddresses.InvalidMessage);
        }

        var decision = await rateLimits.HitAsync(InvitationPolicy, referrerId.ToString("N"), options.Value.InvitationsPerDay, TimeSpan.FromDays(1), cancellationToken);
        if (!decision.Allowed)
        {
            ReferralsLog.InvitationsLimited(logger, referrerId);
            return InvitationResult.Refused(
                $"You have reached today's limit of {options.Value.InvitationsPerDay} invitations. You can send more in {Hours(decision.RetryAfter)}.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var referrer = await db.Users.AsNoTracking().Include(u => u.Profile).SingleOrDefaultAsync(u => u.Id == referrerId, cancellationToken);
        if (referrer is null)
        {
            return InvitationResult.Refused("Your account was not found.");
        }

        if (string.Equals(referrer.Email, address, StringComparison.OrdinalIgnoreCase))
        {
            return InvitationResult.Refused("You can't refer yourself. Invite someone else.");
        }

        // The referrer's own earlier invitation is their own data: saying so tells them nothing new.
        var mine = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId && r.ClientEmail == address)
            .Select(r => (DateTime?)r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (mine is { } invitedOn)
        {
            // How long ago, not a date: the server's calendar day (UTC) is often not the referrer's.
            var days = (int)(timeProvider.GetUtcNow().UtcDateTime - invitedOn).TotalDays;
            return InvitationResult.Refused($"You already invited {address} {(days < 1 ? "less than a day" : Plural.Of(days, "day"))} ago.");
        }

        var upper = address.ToUpperInvariant();
        var taken = await db.Users.AnyAsync(u => u.NormalizedEmail == upper, cancellationToken)
            || await db.Referrals.AnyAsync(r => r.ClientEmail == address && !r.Unattributed, cancellationToken);
        var code = await ReferralCodeService.GetOrCreateCodeAsync(db, referrerId, cancellationToken);
        db.Referrals.Add(new Referral { ReferrerId = referrerId, ClientEmail = address, Source = ReferralSource.Invitation, Unattributed = taken });
        if (!taken)
        {
            // The invitation and its e-mail are committed together.
            await emails.AddAsync(db, address, new ReferralInvitationEmail(DisplayName(referrer), codes.LinkFor(code.Code)), cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (!taken)
        {
            // Another referrer's invitation for the same address was saved a moment earlier (the unique address decided): this one is
            // kept unattributed, without an e-mail, and answered like any other.
            db.ChangeTracker.Clear();
            db.Referrals.Add(new Referral { ReferrerId = referrerId, ClientEmail = address, Source = ReferralSource.Invitation, Unattributed = true });
            await db.SaveChangesAsync(cancellationToken);
        }

        return new InvitationResult(true, $"Invitation sent to {address}.");
    }

    /// <summary>
    /// Ties a client who is registering to a referral, in the registration's own <paramref name="db"/> (saved by the caller).
    /// The first referral for an address wins: an earlier invitation for the address is used whatever code came with the
    /// registration; otherwise the code on the form, else the cookie's. Returns the referral, or null when there is none.
    /// </summary>
    public async Task<Referral?> AttachAsync(TaxGeniusDbContext db, ApplicationUser client, RegistrationReferral? input, CancellationToken cancellationToken = default)
    {
        var address = NormalizeEmail(client.Email);
        if (address is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var referral = await db.Referrals.Where(r => r.ClientEmail == address && !r.Unattributed).OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (referral is not null)
        {
            if (referral.ClientUserId is not null)
            {
                return null;
            }

            referral.ClientUserId = client.Id;
            referral.SignedUpAt = now;
            return referral;
        }

        foreach (var (code, source) in new[] { (input?.Code, input?.CodeSource ?? ReferralSource.Code), (input?.CookieCode, ReferralSource.Cookie) })
        {
            var normalized = ReferralCodes.Normalize(code);
            if (!ReferralCodes.IsWellFormed(normalized))
            {
                continue;
            }

            var referrerId = await db.ReferralCodes.Where(c => c.Code == normalized).Select(c => (Guid?)c.ReferrerId).SingleOrDefaultAsync(cancellationToken);
            if (referrerId is not { } id || id == client.Id)
            {
                continue;
            }

            referral = new Referral
            {
                ReferrerId = id,
                ClientEmail = address,
                Source = source,
                ClientUserId = client.Id,
                SignedUpAt = now,
            };
            db.Referrals.Add(referral);
            return referral;
        }

        return null;
    }

    internal static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim();
        if (!Common.EmailAddresses.IsValid(trimmed))
        {
            return null;
        }

        return trimmed!.ToLowerInvariant();
    }

    internal static string DisplayName(ApplicationUser user) =>
        user.Profile is { } profile && $"{profile.FirstName} {profile.LastName}".Trim() is { Length: > 0 } name ? name : user.Email ?? "A friend";

    private static string Hours(TimeSpan wait) =>
        wait.TotalHours >= 1 ? Plural.Of((long)Math.Ceiling(wait.TotalHours), "hour") : Plural.Of((long)Math.Max(1, Math.Ceiling(wait.TotalMinutes)), "minute");
}
