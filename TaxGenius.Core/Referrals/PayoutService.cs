using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// One converted, unpaid commission as the admin sees it. The client is named only when they consented to be named to the
/// referrer (the same rule as <see cref="ReferrerDashboardService"/>); otherwise <see cref="ClientName"/> and <see cref="ClientEmail"/> are null.
/// </summary>
public sealed record UnpaidCommission(Guid ReferralId, decimal Amount, DateTime? ConvertedAt, string? ClientName, string? ClientEmail);

/// <summary>A referrer's converted, unpaid commissions: what the firm owes them.</summary>
public sealed record UnpaidReferrer(Guid ReferrerId, string Email, string? Name, IReadOnlyList<UnpaidCommission> Commissions)
{
    public int Count => Commissions.Count;

    /// <summary>Exact decimal sum.</summary>
    public decimal Total => Commissions.Sum(c => c.Amount);
}

/// <summary>A referrer's commission per conversion: <see cref="Rate"/>, and whether it is an admin's override of the default.</summary>
public sealed record ReferrerRate(Guid ReferrerId, string Email, string? Name, decimal Rate, bool Overridden);

public sealed record PayoutResult(bool Succeeded, string? Error, Payout? Payout)
{
    internal static PayoutResult Refused(string error) => new(false, error, null);
}

/// <summary>One line of a payout: a paid referral.</summary>
public sealed record PayoutLine(Guid ReferralId, Guid ReferrerId, string ReferrerEmail, DateTime? ConvertedAt, decimal Amount);

public sealed record PayoutDetails(Payout Payout, string? CreatedByEmail, IReadOnlyList<PayoutLine> Lines);

/// <summary>
/// Paying referrers: the converted, unpaid commissions grouped by referrer; recording a batch as paid (one transaction: the
/// payout, every referral PAID, the audit row and each referrer's "commission paid" e-mail in the outbox table, or none of it);
/// the batch as CSV; and an admin's per-referrer commission rate.
/// </summary>
public sealed class PayoutService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    TimeProvider timeProvider,
    ILogger<PayoutService> logger)
{
    public const int MaxBatch = 1000;

    /// <summary>Every referrer who is owed money, largest total first; within a referrer, oldest conversion first.</summary>
    public async Task<IReadOnlyList<UnpaidReferrer>> GetUnpaidByReferrerAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Referrals.AsNoTracking().Where(r => r.Status == ReferralStatus.Converted)
            .Select(r => new
            {
                r.Id,
                r.ReferrerId,
                ReferrerEmail = r.Referrer!.Email,
                ReferrerFirst = r.Referrer.Profile != null ? r.Referrer.Profile.FirstName : null,
                ReferrerLast = r.Referrer.Profile != null ? r.Referrer.Profile.LastName : null,
                r.Commission,
                r.ConvertedAt,
                r.ClientEmail,
                r.ClientUserId,
                ClientFirst = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.FirstName : null,
                ClientLast = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.LastName : null,
            })
            .ToListAsync(cancellationToken);
        var shared = await Compliance.Consents.ReferralConsent.SharedAsync(db, rows.Select(r => r.ClientUserId), timeProvider.GetUtcNow().UtcDateTime,
            cancellationToken);
        bool Consented(Guid? clientId) => clientId is { } id && shared.Contains(id);

        // Grouped and summed here, not in SQL: exact decimals on both providers.
        return rows.GroupBy(r => r.ReferrerId)
            .Select(g =>
            {
                var first = g.First();
                return new UnpaidReferrer(g.Key, first.ReferrerEmail ?? "", Name(first.ReferrerFirst, first.ReferrerLast),
                    g.OrderBy(r => r.ConvertedAt).ThenBy(r => r.Id)
                        .Select(r => new UnpaidCommission(r.Id, r.Commission, r.ConvertedAt,
                            Consented(r.ClientUserId) ? Name(r.ClientFirst, r.ClientLast) : null,
                            Consented(r.ClientUserId) ? r.ClientEmail : null))
                        .ToList());
            })
            .OrderByDescending(g => g.Total).ThenBy(g => g.Email, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Marks <paramref name="referralIds"/> paid as one payout. All or nothing: any id that is unknown, already PAID or not
    /// CONVERTED refuses the whole batch, and nothing changes. The referral's status is a concurrency token, so two admins paying
    /// the same rows at once cannot both succeed: the second save finds the rows no longer CONVERTED and rolls back.
    /// </summary>
    public async Task<PayoutResult> RecordPayoutAsync(AuditActor admin, IReadOnlyCollection<Guid> referralIds, string? reference, DateOnly paidOn,
        CancellationToken cancellationToken = default)
    {
        var ids = referralIds.Distinct().ToList();
        var trimmed = reference?.Trim() ?? "";
        if (ids.Count == 0)
        {
            return PayoutResult.Refused("Select at least one commission to pay.");
        }

        if (ids.Count > MaxBatch)
        {
            return PayoutResult.Refused($"A payout holds at most {MaxBatch} commissions.");
        }

        if (trimmed.Length is 0 or > Payout.MaxReferenceLength)
        {
            return PayoutResult.Refused($"Enter the payment's reference (1–{Payout.MaxReferenceLength} characters), e.g. the bank transfer id.");
        }

        // The admin's date is their own calendar's: no time zone is more than 14 hours ahead of UTC.
        if (paidOn > DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime.AddHours(14)))
        {
            return PayoutResult.Refused("The payment date cannot be in the future.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, admin.UserId, cancellationToken))
        {
            return PayoutResult.Refused(ActorChecks.NoLongerAllowed);
        }

        var referrals = await db.Referrals.Include(r => r.Referrer).ThenInclude(u => u!.Profile)
            .Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken);
        if (referrals.Count != ids.Count)
        {
            return PayoutResult.Refused("Some of the selected commissions no longer exist. Nothing was paid; reload and try again.");
        }

        if (referrals.Count(r => r.Status == ReferralStatus.Paid) is > 0 and var paid)
        {
            return PayoutResult.Refused($"{paid} of the selected commissions {(paid == 1 ? "is" : "are")} already paid. Nothing was paid; reload and try again.");
        }

        if (referrals.Count(r => r.Status != ReferralStatus.Converted) is > 0 and var notConverted)
        {
            return PayoutResult.Refused($"{notConverted} of the selected referrals {(notConverted == 1 ? "has" : "have")} not converted yet, so there is nothing to pay. Nothing was paid.");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var payout = new Payout
        {
            Id = Guid.CreateVersion7(),
            PaidOn = paidOn,
            Reference = trimmed,
            Total = referrals.Sum(r => r.Commission),
            ReferralCount = referrals.Count,
            CreatedById = admin.UserId == Guid.Empty ? null : admin.UserId,
            CreatedAt = now,
        };
        db.Payouts.Add(payout);
        var paidAt = paidOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        foreach (var referral in referrals)
        {
            referral.Status = ReferralStatus.Paid;
            referral.PaidAt = paidAt;
            referral.PayoutId = payout.Id;
        }

        var byReferrer = referrals.GroupBy(r => r.ReferrerId).ToList();
        audit.Add(db, admin, AuditActions.PayoutRecorded, "payout", payout.Id, null,
            $"{Money(payout.Total)} for {Plural.Of(payout.ReferralCount, "commission")} to {Plural.Of(byReferrer.Count, "referrer")}, paid on " +
            $"{paidOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, reference {trimmed}");

        foreach (var group in byReferrer)
        {
            var referrer = group.First().Referrer;
            if (referrer?.Email is not { } to)
            {
                continue;
            }

            await emails.AddAsync(db, to, new CommissionPaidEmail(referrer.Profile?.FirstName ?? "there", group.Sum(r => r.Commission),
                trimmed, paidOn, urls.Absolute("/referrer")), cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another payout took some of these rows between our read and our save; its save stands, ours rolled back.
            return PayoutResult.Refused("Some of the selected commissions were just paid by someone else. Nothing was paid; reload and try again.");
        }

        ReferralsLog.PayoutRecorded(logger, payout.Id, payout.ReferralCount, byReferrer.Count);
        return new PayoutResult(true, null, payout);
    }

    /// <summary>The most recent payouts, newest first.</summary>
    public async Task<IReadOnlyList<Payout>> GetRecentPayoutsAsync(int count = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payouts.AsNoTracking().OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>A payout and the referrals it paid (by referrer e-mail, then conversion); null when there is no such payout.</summary>
    public async Task<PayoutDetails?> GetPayoutAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payout = await db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payout is null)
        {
            return null;
        }

        var createdBy = payout.CreatedById is { } by
            ? await db.Users.Where(u => u.Id == by).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken)
            : null;
        var lines = await db.Referrals.AsNoTracking().Where(r => r.PayoutId == id)
            .Select(r => new PayoutLine(r.Id, r.ReferrerId, r.Referrer!.Email ?? "", r.ConvertedAt, r.Commission))
            .ToListAsync(cancellationToken);
        return new PayoutDetails(payout, createdBy,
            lines.OrderBy(l => l.ReferrerEmail, StringComparer.Ordinal).ThenBy(l => l.ConvertedAt).ThenBy(l => l.ReferralId).ToList());
    }

    /// <summary>CSV columns, in order.</summary>
    public static readonly IReadOnlyList<string> CsvHeader = ["payout_id", "paid_on", "reference", "referrer_email", "referral_id", "converted_at_utc", "amount_usd"];

    /// <summary>
    /// The payout as CSV (RFC 4180, UTF-8, formula-safe): one line per paid referral, then a totals line whose referral_id
    /// reads "TOTAL" and whose amount is the payout's total. False when there is no such payout.
    /// </summary>
    public async Task<bool> WriteCsvAsync(Guid id, TextWriter writer, CancellationToken cancellationToken = default)
    {
        if (await GetPayoutAsync(id, cancellationToken) is not { } details)
        {
            return false;
        }

        var p = details.Payout;
        var paidOn = p.PaidOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new CsvWriter(writer);
        await csv.WriteRecordAsync(CsvHeader);
        foreach (var line in details.Lines)
        {
            await csv.WriteRecordAsync([
                p.Id.ToString(), paidOn, p.Reference, line.ReferrerEmail, line.ReferralId.ToString(),
                line.ConvertedAt?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Amount(line.Amount),
            ]);
        }

        await csv.WriteRecordAsync([p.Id.ToString(), paidOn, p.Reference, "", "TOTAL", "", Amount(p.Total)]);
        await writer.FlushAsync(cancellationToken);
        return true;
    }

    public static string Money(decimal amount) => amount.ToString("C2", CultureInfo.GetCultureInfo("en-US"));

    private static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Name(string? first, string? last) => $"{first} {last}".Trim() is { Length: > 0 } name ? name : null;
}
