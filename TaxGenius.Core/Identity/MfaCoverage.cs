using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Identity;

/// <summary>
/// One role's sign-in factors (active accounts only). An account may count in several columns; <see cref="PasswordOnly"/> is the
/// accounts whose only second step would be an e-mailed code (clients and referrers) or that are not enrolled yet (staff: fenced).
/// </summary>
public sealed record MfaCoverageRow(string Role, int Accounts, int WithPasskey, int WithAuthenticator, int WithPassword, int PasswordOnly);

/// <summary>Counts, per role, which factors the firm's accounts have: the admin security page's coverage table.</summary>
public sealed class MfaCoverage(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public async Task<IReadOnlyList<MfaCoverageRow>> ByRoleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = from ur in db.UserRoles
                       join r in db.Roles on ur.RoleId equals r.Id
                       join u in db.Users on ur.UserId equals u.Id
                       where u.DeactivatedAt == null
                       select new
                       {
                           Role = r.Name!,
                           Passkey = db.UserPasskeys.Any(p => p.UserId == u.Id),
                           Authenticator = u.TwoFactorEnabled,
                           Password = u.PasswordHash != null,
                       };
        var counts = await accounts.GroupBy(a => a.Role).Select(g => new MfaCoverageRow(
                g.Key,
                g.Count(),
                g.Count(a => a.Passkey),
                g.Count(a => a.Authenticator),
                g.Count(a => a.Password),
                g.Count(a => !a.Passkey && !a.Authenticator)))
            .ToListAsync(cancellationToken);
        return Roles.All.Select(role => counts.FirstOrDefault(c => c.Role == role) ?? new MfaCoverageRow(role, 0, 0, 0, 0, 0)).ToList();
    }
}
