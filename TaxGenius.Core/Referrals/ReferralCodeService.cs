using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Referrals;

/// <summary>
/// Referral codes and links: each referrer's random code (made on first use) or the vanity code they chose once, the public link
/// /r/{code}, and the clicks on it (recorded with a salted hash of the address, never the address).
/// </summary>
public sealed class ReferralCodeService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IOptions<ReferralOptions> options,
    PublicUrls urls,
    TimeProvider timeProvider)
{
    /// <summary>The first-party cookie /r/{code} sets, read at registration (<see cref="ReferralOptions.CookieDays"/> days).</summary>
    public const string CookieName = "TaxGenius.Referral";

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

    /// <summary>The vanity code if chosen, else the random one; creates the random one on first use.</summary>
    internal static async Task<ReferralCode> GetOrCreateCodeAsync(TaxGeniusDbContext db, Guid referrerId, CancellationToken cancellationToken)
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
}
