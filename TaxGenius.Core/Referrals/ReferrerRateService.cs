using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// What a referrer earns per conversion: <see cref="ReferralOptions.DefaultCommission"/>, or an administrator's override for that
/// referrer (audited). The rate is fixed into the referral when it converts, so a change applies to conversions from then on.
/// </summary>
public sealed class ReferrerRateService(IDbContextFactory<TaxGeniusDbContext> dbFactory, IOptions<ReferralOptions> options, AuditLog audit)
{
    public const decimal MaxRate = 10_000.00m;

    /// <summary>The referrer's commission per conversion: an admin's override, else the default.</summary>
    public async Task<decimal> GetRateAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RateAsync(db, referrerId, options.Value, cancellationToken);
    }

    internal static async Task<decimal> RateAsync(TaxGeniusDbContext db, Guid referrerId, ReferralOptions options, CancellationToken cancellationToken) =>
        await db.ReferrerCommissionRates.Where(r => r.ReferrerId == referrerId).Select(r => (decimal?)r.Amount).SingleOrDefaultAsync(cancellationToken)
        ?? options.DefaultCommission;

    /// <summary>Every referrer with their commission per conversion (override or default), by e-mail.</summary>
    public async Task<IReadOnlyList<ReferrerRate>> GetReferrerRatesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var referrers = await (
                from u in db.Users.Where(UsersInRole.Any(db, Roles.Referrer))
                select new
                {
                    u.Id,
                    u.Email,
                    First = u.Profile != null ? u.Profile.FirstName : null,
                    Last = u.Profile != null ? u.Profile.LastName : null,
                    Override = db.ReferrerCommissionRates.Where(r => r.ReferrerId == u.Id).Select(r => (decimal?)r.Amount).FirstOrDefault(),
                })
            .ToListAsync(cancellationToken);
        return referrers
            .Select(r => new ReferrerRate(r.Id, r.Email ?? "", Name(r.First, r.Last), r.Override ?? options.Value.DefaultCommission, r.Override is not null))
            .OrderBy(r => r.Email, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Why <paramref name="amount"/> is not a valid rate ($0.00–$10,000.00, at most two decimals); null when it is (or is null: no override).</summary>
    public static string? ValidateRate(decimal? amount) => amount switch
    {
        null => null,
        < 0 or > MaxRate => $"A commission is between $0.00 and {Money(MaxRate)}.",
        { } a when decimal.Round(a, 2) != a => "A commission has at most two decimals (cents).",
        _ => null,
    };

    /// <summary>An admin sets a referrer's own rate, or with null clears it (back to the default). Applies to conversions from now on; audited.</summary>
    public async Task<PayoutResult> SetRateAsync(AuditActor admin, Guid referrerId, decimal? amount, CancellationToken cancellationToken = default)
    {
        if (ValidateRate(amount) is { } error)
        {
            return PayoutResult.Refused(error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, admin.UserId, cancellationToken))
        {
            return PayoutResult.Refused(ActorChecks.NoLongerAllowed);
        }

        var referrer = await db.Users.AsNoTracking().Where(u => u.Id == referrerId).Select(u => new { u.Email }).SingleOrDefaultAsync(cancellationToken);
        if (referrer is null)
        {
            return PayoutResult.Refused("That referrer no longer exists.");
        }

        var row = await db.ReferrerCommissionRates.SingleOrDefaultAsync(r => r.ReferrerId == referrerId, cancellationToken);
        var before = row?.Amount;
        if (amount is null)
        {
            if (row is null)
            {
                return new PayoutResult(true, null, null);
            }

            db.ReferrerCommissionRates.Remove(row);
        }
        else if (row is null)
        {
            db.ReferrerCommissionRates.Add(new ReferrerCommissionRate { ReferrerId = referrerId, Amount = amount.Value });
        }
        else
        {
            row.Amount = amount.Value;
        }

        audit.Add(db, admin, AuditActions.ReferrerRateChanged, "referrer", referrerId, null,
            $"{referrer.Email}: {(before is { } b ? Money(b) : "default")} → {(amount is { } a ? Money(a) : $"default ({Money(options.Value.DefaultCommission)})")}");
        await db.SaveChangesAsync(cancellationToken);
        return new PayoutResult(true, null, null);
    }

    private static string Money(decimal amount) => PayoutService.Money(amount);

    private static string? Name(string? first, string? last) => $"{first} {last}".Trim() is { Length: > 0 } name ? name : null;
}
