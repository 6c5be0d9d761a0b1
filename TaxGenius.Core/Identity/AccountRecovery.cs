using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Sessions;

namespace TaxGenius.Core.Identity;

/// <summary>
/// A client or referrer who lost their passkeys and their phone gets back in with an e-mailed code and a confirmation (ADR-015): the
/// lost factors are removed (they may be in someone else's hands), the security stamp changes, every session ends, and an audit row
/// tells staff. Staff never recover this way: recovery codes or an administrator's reset.
/// </summary>
public sealed class AccountRecovery(
    UserManager<ApplicationUser> users,
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    SessionService sessions,
    AuditLog audit)
{
    public async Task RecoverAsync(ApplicationUser user, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var passkeys = await users.GetPasskeysAsync(user);
        foreach (var passkey in passkeys)
        {
            Check(await users.RemovePasskeyAsync(user, passkey.CredentialId));
        }

        var hadAuthenticator = user.TwoFactorEnabled;
        if (hadAuthenticator)
        {
            Check(await users.SetTwoFactorEnabledAsync(user, false));
            // A new key nobody has seen: the lost phone's codes stop working even if two-factor is turned on again.
            Check(await users.ResetAuthenticatorKeyAsync(user));
        }

        Check(await users.UpdateSecurityStampAsync(user));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ended = await db.InTransactionAsync<List<Guid>>(async (transaction, _) =>
        {
            db.ChangeTracker.Clear();
            var endedSessions = await sessions.RevokeInAsync(db, user.Id, null, SessionRevocationReasons.Recovered, cancellationToken);
            audit.Add(db, actor, AuditActions.AccountRecovered, "user", user.Id, user.Id,
                $"{user.Email}: signed in with an e-mailed code after confirming that their other factors were lost; {Plural.Of(passkeys.Count, "passkey")}"
                + (hadAuthenticator ? " and the authenticator app" : "") + $" removed; {Plural.Of(endedSessions.Count, "session")} ended");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return endedSessions;
        }, cancellationToken);
        await sessions.ForgetAsync(ended, cancellationToken);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Account recovery could not change the account: {string.Join(" ", result.Errors.Select(e => e.Code))}");
        }
    }
}
