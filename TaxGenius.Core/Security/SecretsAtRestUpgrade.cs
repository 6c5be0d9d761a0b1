using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Security;

/// <summary>
/// Encrypts what an older version left readable in the database: Data Protection keys stored without an encryptor, and Identity token
/// values (authenticator keys, recovery codes) stored in clear. Runs at every start; only rows still in clear are touched, so after
/// the first start of this version it changes nothing. The key material itself does not change: cookies, reset links and
/// authenticator apps made before the upgrade keep working.
/// </summary>
public sealed class SecretsAtRestUpgrade(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    SecretProtector protector,
    ILogger<SecretsAtRestUpgrade> logger)
{
    public async Task<(int Keys, int Tokens)> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var encryptor = new KeyRingXmlEncryptor(protector);
        var keys = 0;
        foreach (var row in await db.DataProtectionKeys.Where(k => k.Xml != null).ToListAsync(cancellationToken))
        {
            if (encryptor.EncryptMarked(XElement.Parse(row.Xml!)) is { } encrypted)
            {
                row.Xml = encrypted.ToString(SaveOptions.DisableFormatting);
                keys++;
            }
        }

        var prefix = SecretProtector.Version + ":";
        var tokens = await db.UserTokens.Where(t => t.Value != null && !t.Value.StartsWith(prefix)).ToListAsync(cancellationToken);
        foreach (var token in tokens)
        {
            token.Value = protector.Protect(ProtectedTokenUserStore.Purpose(token.UserId, token.LoginProvider, token.Name), token.Value!);
        }

        if (keys + tokens.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            SecurityLog.SecretsUpgraded(logger, keys, tokens.Count);
        }

        return (keys, tokens.Count);
    }
}
