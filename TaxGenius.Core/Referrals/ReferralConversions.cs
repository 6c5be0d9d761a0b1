using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// Converts a referral when the firm completes the client's first TAX_RETURN document. Called by the document workflow with
/// its own DbContext just before it saves, so the conversion, the fixed commission and the referrer's e-mail (stored in the
/// outbox table) are committed together with the status change, or not at all. The referral's status is a concurrency
/// token: two completions racing for one client cannot both convert it.
/// </summary>
public sealed class ReferralConversions(
    IOptions<ReferralOptions> options,
    EmailQueue emails,
    PublicUrls urls,
    TimeProvider timeProvider,
    ILogger<ReferralConversions> logger)
{
    public async Task OnStatusChangingAsync(TaxGeniusDbContext db, Document document, DocumentStatus before, CancellationToken cancellationToken = default)
    {
        if (document.Type != DocumentType.TaxReturn || document.Status != DocumentStatus.Completed || before == DocumentStatus.Completed)
        {
            return;
        }

        var referral = await db.Referrals.Include(r => r.Referrer).ThenInclude(u => u!.Profile)
            .Where(r => r.ClientUserId == document.UserId && r.Status == ReferralStatus.Pending)
            .OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (referral is null)
        {
            return;
        }

        var commission = await ReferrerRateService.RateAsync(db, referral.ReferrerId, options.Value, cancellationToken);
        referral.Status = ReferralStatus.Converted;
        referral.Commission = commission;
        referral.ConvertedAt = timeProvider.GetUtcNow().UtcDateTime;
        referral.ConvertedByDocumentId = document.Id;
        ReferralsLog.Converted(logger, referral.Id, referral.ReferrerId);

        if (referral.Referrer?.Email is not { } referrerEmail)
        {
            return;
        }

        // Named only with the client's consent (IRC §7216); otherwise the e-mail names no one.
        var consented = (await Compliance.Consents.ReferralConsent.SharedAsync(db, [referral.ClientUserId], timeProvider.GetUtcNow().UtcDateTime,
            cancellationToken)).Count > 0;
        var clientName = !consented ? null
            : document.User?.Profile is { } profile ? $"{profile.FirstName} {profile.LastName}".Trim() : referral.ClientEmail;
        await emails.AddAsync(db, referrerEmail, new ReferralConvertedEmail(
            referral.Referrer.Profile?.FirstName ?? "there", commission, urls.Absolute("/referrer"), clientName), cancellationToken);
    }
}
