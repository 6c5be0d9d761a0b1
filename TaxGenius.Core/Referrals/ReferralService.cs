using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.RateLimiting;

namespace TaxGenius.Core.Referrals;

/// <summary>What a registration brings about referrals: the code on the form, where it came from, the cookie's code, the consent.</summary>
/// <param name="Code">The code in the form's field (typed, or prefilled from the link or the cookie); null when empty.</param>
/// <param name="CodeSource">How the field got its code: <see cref="ReferralSource.Link"/>, <see cref="ReferralSource.Cookie"/> or <see cref="ReferralSource.Code"/> (typed).</param>
/// <param name="CookieCode">The code in the first-party cookie set by /r/{code}, if any.</param>
/// <param name="ConsentToShare">"Let the person who referred me know that I became a client."</param>
public sealed record RegistrationReferral(string? Code, ReferralSource CodeSource, string? CookieCode, bool ConsentToShare);

public sealed record InvitationResult(bool Succeeded, string Message)
{
    internal static InvitationResult Refused(string message) => new(false, message);
}

public sealed record VanityCodeResult(bool Succeeded, string? Error, string Code);

/// <summary>The referrer's numbers. Counts and amounts only: no person.</summary>
public sealed record ReferrerStats(
    string Code, bool VanityChosen, int Clicks, int Invited, int SignUps, int Conversions,
    decimal CommissionPending, decimal CommissionConverted, decimal CommissionPaid, decimal Rate);

/// <summary>
/// One referral as its referrer may see it. <see cref="ClientName"/> and <see cref="ClientEmail"/> are null unless the client
/// consented to be named to the referrer. A referrer knows the addresses they invited, so without consent an invitation shows no
/// progress at all (stage "Invited", no dates, no amount): whether that person became a client is theirs to share.
/// </summary>
public sealed record ReferralRow(
    Guid Id, string? ClientName, string? ClientEmail, ReferralSource Source, ReferralStatus Status,
    DateTime CreatedAt, DateTime? SignedUpAt, DateTime? ConvertedAt, DateTime? PaidAt, decimal Commission)
{
    /// <summary>Invited, Signed up, Converted or Paid: where the referral stands, in the referrer's words.</summary>
    public string Stage => Status switch
    {
        ReferralStatus.Paid => "Paid",
        ReferralStatus.Converted => "Converted",
        _ => SignedUpAt is null ? "Invited" : "Signed up",
    };

    public bool Shared => ClientEmail is not null;
}

public sealed record ReferralMonth(DateOnly Month, int Conversions, decimal Earnings);

public sealed record ReferrerDashboard(ReferrerStats Stats, IReadOnlyList<ReferralMonth> Months, IReadOnlyList<ReferralRow> Rows);

/// <summary>
/// The referral program: codes and links, clicks, invitations, attribution at registration, the referrer's dashboard and CSV.
/// Conversion (when the firm completes a client's first TAX_RETURN) is <see cref="ReferralConversions"/>.
/// Consent (IRC §7216) is enforced here, in one place: nothing this service returns to a referrer names a person who did
/// not agree to it.
/// </summary>
public sealed partial class ReferralService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IOptions<ReferralOptions> options,
    IRateLimitCounter rateLimits,
    EmailQueue emails,
    PublicUrls urls,
    TaxGeniusCache cache,
    TimeProvider timeProvider,
    ILogger<ReferralService> logger)
{
    public const string CookieName = "TaxGenius.Referral";
    public const string InvitationPolicy = "referral-invitations";
    public const int MonthsShown = 12;

    private static readonly byte[] ProcessSalt = RandomNumberGenerator.GetBytes(32);

    /// <summary>The referrer's code to share: the vanity code when chosen, otherwise the random one (created on first use).</summary>
    public async Task<string> GetCodeAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await GetOrCreateCodeAsync(db, referrerId, cancellationToken)).Code;
    }

    /// <summary>The public link for a code: /r/{code}.</summary>
    public string LinkFor(string code) => urls.Absolute($"/r/{Uri.EscapeDataString(code)}");

    /// <summary>
    /// Chooses a vanity code, once. The random code keeps working, so links already shared stay good.
    /// </summary>
    public async Task<VanityCodeResult> ChooseVanityCodeAsync(Guid referrerId, string? requested, CancellationToken cancellationToken = default)
    {
        var code = ReferralCodes.Normalize(requested);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await GetOrCreateCodeAsync(db, referrerId, cancellationToken);
        if (current.IsVanity)
        {
            return new VanityCodeResult(false, $"You already chose your code ({current.Code}); it can be chosen only once.", current.Code);
        }

        if (ReferralCodes.Validate(code) is { } error)
        {
            return new VanityCodeResult(false, error, current.Code);
        }

        if (await db.ReferralCodes.AnyAsync(c => c.Code == code, cancellationToken))
        {
            return new VanityCodeResult(false, $"{code} is taken. Try another.", current.Code);
        }

        db.ReferralCodes.Add(new ReferralCode { Code = code!, ReferrerId = referrerId, IsVanity = true });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone took it between the check and the save (the unique index decided).
            return new VanityCodeResult(false, $"{code} is taken. Try another.", current.Code);
        }

        return new VanityCodeResult(true, null, code!);
    }

    /// <summary>Whether <paramref name="code"/> leads to a referrer.</summary>
    public async Task<bool> CodeExistsAsync(string? code, CancellationToken cancellationToken = default)
    {
        var normalized = ReferralCodes.Normalize(code);
        if (!ReferralCodes.IsWellFormed(normalized))
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ReferralCodes.AnyAsync(c => c.Code == normalized, cancellationToken);
    }

    /// <summary>Records a visit of /r/{code}; returns the normalized code when it exists (null: unknown code, nothing recorded).</summary>
    public async Task<string?> RecordClickAsync(string? code, IPAddress? ip, CancellationToken cancellationToken = default)
    {
        var normalized = ReferralCodes.Normalize(code);
        if (!ReferralCodes.IsWellFormed(normalized))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.ReferralCodes.AsNoTracking().Where(c => c.Code == normalized)
            .Select(c => new { c.Id, c.ReferrerId }).SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        db.ReferralClicks.Add(new ReferralClick
        {
            ReferralCodeId = found.Id,
            ReferrerId = found.ReferrerId,
            At = timeProvider.GetUtcNow().UtcDateTime,
            IpHash = HashIp(ip),
        });
        await db.SaveChangesAsync(cancellationToken);
        return normalized;
    }

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
            return InvitationResult.Refused("Enter a valid e-mail address, like name@example.com.");
        }

        var decision = await rateLimits.HitAsync(InvitationPolicy, referrerId.ToString("N"), options.Value.InvitationsPerDay, TimeSpan.FromDays(1), cancellationToken);
        if (!decision.Allowed)
        {
            LogInvitationsLimited(logger, referrerId);
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
            return InvitationResult.Refused($"You already invited {address} on {invitedOn.ToString("MMMM d, yyyy", CultureInfo.GetCultureInfo("en-US"))}.");
        }

        var upper = address.ToUpperInvariant();
        var taken = await db.Users.AnyAsync(u => u.NormalizedEmail == upper, cancellationToken)
            || await db.Referrals.AnyAsync(r => r.ClientEmail == address && !r.Unattributed, cancellationToken);
        var code = await GetOrCreateCodeAsync(db, referrerId, cancellationToken);
        db.Referrals.Add(new Referral { ReferrerId = referrerId, ClientEmail = address, Source = ReferralSource.Invitation, Unattributed = taken });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (!taken)
        {
            // Another referrer's invitation for the same address was saved a moment earlier (the unique address decided): this one is
            // kept unattributed, and answered like any other.
            db.ChangeTracker.Clear();
            db.Referrals.Add(new Referral { ReferrerId = referrerId, ClientEmail = address, Source = ReferralSource.Invitation, Unattributed = true });
            await db.SaveChangesAsync(cancellationToken);
            taken = true;
        }

        if (!taken)
        {
            await emails.QueueAsync(address, new ReferralInvitationEmail(DisplayName(referrer), LinkFor(code.Code)), cancellationToken);
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
        var consentedAt = input?.ConsentToShare == true ? now : (DateTime?)null;
        var referral = await db.Referrals.Where(r => r.ClientEmail == address && !r.Unattributed).OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (referral is not null)
        {
            if (referral.ClientUserId is not null)
            {
                return null;
            }

            referral.ClientUserId = client.Id;
            referral.SignedUpAt = now;
            referral.ClientConsentedAt = consentedAt;
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
                ClientConsentedAt = consentedAt,
            };
            db.Referrals.Add(referral);
            return referral;
        }

        return null;
    }

    /// <summary>The referrer's commission per conversion: an admin's override, else <see cref="ReferralOptions.DefaultCommission"/>.</summary>
    public async Task<decimal> GetRateAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RateAsync(db, referrerId, options.Value, cancellationToken);
    }

    /// <summary>An admin sets (or, with null, removes) a referrer's own rate. Applies to conversions from now on.</summary>
    public async Task SetRateAsync(Guid referrerId, decimal? amount, CancellationToken cancellationToken = default)
    {
        if (amount is < 0 or > 99_999_999.99m)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A commission is between $0.00 and $99,999,999.99.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ReferrerCommissionRates.SingleOrDefaultAsync(r => r.ReferrerId == referrerId, cancellationToken);
        if (amount is null)
        {
            if (row is not null)
            {
                db.ReferrerCommissionRates.Remove(row);
            }
        }
        else if (row is null)
        {
            db.ReferrerCommissionRates.Add(new ReferrerCommissionRate { ReferrerId = referrerId, Amount = decimal.Round(amount.Value, 2) });
        }
        else
        {
            row.Amount = decimal.Round(amount.Value, 2);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    internal static async Task<decimal> RateAsync(TaxGeniusDbContext db, Guid referrerId, ReferralOptions options, CancellationToken cancellationToken) =>
        await db.ReferrerCommissionRates.Where(r => r.ReferrerId == referrerId).Select(r => (decimal?)r.Amount).SingleOrDefaultAsync(cancellationToken)
        ?? options.DefaultCommission;

    /// <summary>The referrer's numbers (cached; every write that changes them invalidates them).</summary>
    public Task<ReferrerStats> GetStatsAsync(Guid referrerId, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(CacheKeys.ReferrerStats(referrerId), ct => LoadStatsAsync(referrerId, ct), cancellationToken: cancellationToken);

    /// <summary>Everything /referrer shows: the numbers, the last <see cref="MonthsShown"/> months, and each referral (consent-gated).</summary>
    public async Task<ReferrerDashboard> GetDashboardAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        var stats = await GetStatsAsync(referrerId, cancellationToken);
        var rows = await GetReferralsAsync(referrerId, cancellationToken);
        var thisMonth = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        thisMonth = new DateOnly(thisMonth.Year, thisMonth.Month, 1);
        var since = thisMonth.AddMonths(1 - MonthsShown).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        // Counts and amounts per month, like the totals: they name nobody (rows may hide an invitation's progress).
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversions = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId && r.ConvertedAt >= since)
            .Select(r => new { ConvertedAt = r.ConvertedAt!.Value, r.Commission }).ToListAsync(cancellationToken);
        var months = Enumerable.Range(0, MonthsShown).Select(i => thisMonth.AddMonths(i - MonthsShown + 1))
            .Select(m =>
            {
                var converted = conversions.Where(r => r.ConvertedAt.Year == m.Year && r.ConvertedAt.Month == m.Month).ToList();
                return new ReferralMonth(m, converted.Count, converted.Sum(r => r.Commission));
            })
            .ToList();
        return new ReferrerDashboard(stats, months, rows);
    }

    /// <summary>The referrer's own referrals, newest first. A person is named only with their consent.</summary>
    public async Task<IReadOnlyList<ReferralRow>> GetReferralsAsync(Guid referrerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Select(r => new
            {
                r.Id,
                r.ClientEmail,
                Consented = r.ClientConsentedAt != null,
                FirstName = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.FirstName : null,
                LastName = r.ClientUser != null && r.ClientUser.Profile != null ? r.ClientUser.Profile.LastName : null,
                r.Source,
                r.Status,
                r.CreatedAt,
                r.SignedUpAt,
                r.ConvertedAt,
                r.PaidAt,
                r.Commission,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => r.Source == ReferralSource.Invitation && !r.Consented
                ? new ReferralRow(r.Id, null, null, r.Source, ReferralStatus.Pending, r.CreatedAt, null, null, null, 0m)
                : new ReferralRow(r.Id,
                    r.Consented ? $"{r.FirstName} {r.LastName}".Trim() : null,
                    r.Consented ? r.ClientEmail : null,
                    r.Source, r.Status, r.CreatedAt, r.SignedUpAt, r.ConvertedAt, r.PaidAt, r.Commission))
            .ToList();
    }

    /// <summary>CSV columns, in order.</summary>
    public static readonly IReadOnlyList<string> CsvHeader =
        ["Referral", "Stage", "Source", "Referred on", "Signed up on", "Converted on", "Paid on", "Commission (USD)", "Client name", "Client e-mail"];

    /// <summary>
    /// Writes the referrer's own referrals as CSV (UTF-8, comma-separated, dates yyyy-MM-dd UTC, amounts 0.00). The client's name
    /// and e-mail are filled only with their consent; cells that a spreadsheet would run as a formula are escaped.
    /// </summary>
    public async Task WriteCsvAsync(Guid referrerId, Stream destination, CancellationToken cancellationToken = default)
    {
        var rows = await GetReferralsAsync(referrerId, cancellationToken);
        var csvOptions = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(destination, csvOptions, leaveOpen: true);
        await csv.WriteRecordAsync([.. CsvHeader], cancellationToken);
        foreach (var row in rows)
        {
            await csv.WriteRecordAsync(
            [
                row.Id.ToString(),
                row.Stage,
                SourceName(row.Source),
                Date(row.CreatedAt),
                Date(row.SignedUpAt),
                Date(row.ConvertedAt),
                Date(row.PaidAt),
                row.Commission.ToString("0.00", CultureInfo.InvariantCulture),
                row.ClientName ?? "",
                row.ClientEmail ?? "",
            ], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    public static string SourceName(ReferralSource source) => source switch
    {
        ReferralSource.Link => "Link",
        ReferralSource.Cookie => "Link (returned later)",
        ReferralSource.Code => "Code typed",
        _ => "Invitation",
    };

    private static string Date(DateTime? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private async Task<ReferrerStats> LoadStatsAsync(Guid referrerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var code = await GetOrCreateCodeAsync(db, referrerId, cancellationToken);
        var clicks = await db.ReferralClicks.CountAsync(c => c.ReferrerId == referrerId, cancellationToken);
        // Amounts are summed here, not in SQL: exact decimals on every provider whatever the row count.
        var referrals = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == referrerId)
            .Select(r => new { r.Status, SignedUp = r.SignedUpAt != null, r.Commission }).ToListAsync(cancellationToken);
        var rate = await RateAsync(db, referrerId, options.Value, cancellationToken);
        var pendingSignedUp = referrals.Count(r => r.Status == ReferralStatus.Pending && r.SignedUp);
        return new ReferrerStats(
            code.Code,
            code.IsVanity,
            clicks,
            Invited: referrals.Count(r => !r.SignedUp),
            SignUps: referrals.Count(r => r.SignedUp),
            Conversions: referrals.Count(r => r.Status != ReferralStatus.Pending),
            CommissionPending: pendingSignedUp * rate,
            CommissionConverted: referrals.Where(r => r.Status == ReferralStatus.Converted).Sum(r => r.Commission),
            CommissionPaid: referrals.Where(r => r.Status == ReferralStatus.Paid).Sum(r => r.Commission),
            rate);
    }

    /// <summary>The vanity code if chosen, else the random one; creates the random one on first use.</summary>
    private static async Task<ReferralCode> GetOrCreateCodeAsync(TaxGeniusDbContext db, Guid referrerId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var codes = await db.ReferralCodes.AsNoTracking().Where(c => c.ReferrerId == referrerId).ToListAsync(cancellationToken);
            if (codes.OrderByDescending(c => c.IsVanity).ThenBy(c => c.CreatedAt).FirstOrDefault() is { } existing)
            {
                return existing;
            }

            var created = new ReferralCode { Code = ReferralCodes.NewRandom(), ReferrerId = referrerId };
            db.ReferralCodes.Add(created);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(created).State = EntityState.Detached;
                return created;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A random code collided, or another request created this referrer's code first: look again.
                db.Entry(created).State = EntityState.Detached;
            }
        }
    }

    private string? HashIp(IPAddress? ip)
    {
        if (ip is null)
        {
            return null;
        }

        var salt = options.Value.IpHashSalt is { Length: > 0 } configured ? Encoding.UTF8.GetBytes(configured) : ProcessSalt;
        return Convert.ToHexStringLower(HMACSHA256.HashData(salt, ip.MapToIPv6().GetAddressBytes()));
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
        wait.TotalHours >= 1 ? $"{Math.Ceiling(wait.TotalHours):0} hour(s)" : $"{Math.Max(1, Math.Ceiling(wait.TotalMinutes)):0} minute(s)";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referrer {ReferrerId} reached the daily invitation limit")]
    private static partial void LogInvitationsLimited(ILogger logger, Guid referrerId);
}
