using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Identity;

/// <summary>
/// Identity's EF store with its token values (authenticator keys, recovery codes) encrypted at rest by <see cref="SecretProtector"/>.
/// Every Identity feature that keeps a secret in <c>AspNetUserTokens</c> reads and writes it through these two methods. A value from
/// before encryption is still read (and <see cref="SecretsAtRestUpgrade"/> encrypts it at the next start).
/// </summary>
public sealed class ProtectedTokenUserStore(TaxGeniusDbContext context, SecretProtector protector, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole<Guid>, TaxGeniusDbContext, Guid>(context, describer)
{
    /// <summary>A token is bound to its user, provider and name: a value copied to another row does not decrypt.</summary>
    public static string Purpose(Guid userId, string loginProvider, string name) => $"identity-token:{userId:D}:{loginProvider}:{name}";

    public override Task SetTokenAsync(ApplicationUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return base.SetTokenAsync(user, loginProvider, name,
            value is null ? null : protector.Protect(Purpose(user.Id, loginProvider, name), value), cancellationToken);
    }

    public override async Task<string?> GetTokenAsync(ApplicationUser user, string loginProvider, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return SecretProtector.IsProtected(stored) ? protector.Unprotect(Purpose(user.Id, loginProvider, name), stored!) : stored;
    }
}
