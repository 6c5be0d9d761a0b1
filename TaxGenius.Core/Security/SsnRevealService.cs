using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Security;

/// <summary>A revealed SSN and until when the page may show it.</summary>
public sealed record SsnReveal(string? Ssn, DateTimeOffset? VisibleUntil, string? Error)
{
    public bool Succeeded => Ssn is not null;
}

/// <summary>
/// "Reveal SSN" for staff: the full number only after the person proves again who they are (their password, or their
/// authenticator code when they use MFA). Every reveal and every refused attempt is audited; wrong answers count towards
/// the account's lockout like wrong sign-ins.
/// </summary>
public sealed class SsnRevealService(
    UserManager<ApplicationUser> users,
    Reauthentication reauthentication,
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    SsnProtector protector,
    AuditLog audit,
    TimeProvider timeProvider)
{
    public static readonly TimeSpan VisibleFor = TimeSpan.FromSeconds(30);

    public async Task<SsnReveal> RevealAsync(AuditActor actor, Guid clientId, Guid? documentId, string? secret, CancellationToken cancellationToken = default)
    {
        var staff = await users.FindByIdAsync(actor.UserId.ToString());
        if (staff is null || !(await users.IsInRoleAsync(staff, Roles.Preparer) || await users.IsInRoleAsync(staff, Roles.Admin)))
        {
            return new SsnReveal(null, null, "Only the firm's staff can reveal an SSN.");
        }

        if (staff.DeactivatedAt is not null || staff.LockedAt is not null)
        {
            return new SsnReveal(null, null, "Your account can no longer reveal SSNs.");
        }

        var proof = await reauthentication.ConfirmAsync(staff.Id, secret);
        if (!proof.Succeeded)
        {
            await audit.WriteAsync(actor, AuditActions.SsnRevealRefused, "User", clientId, clientId, documentId is null ? null : $"document {documentId}", cancellationToken);
            return new SsnReveal(null, null, proof.Error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var envelope = await db.Users.AsNoTracking().Where(u => u.Id == clientId).Select(u => u.SsnEncrypted).SingleOrDefaultAsync(cancellationToken);
        if (envelope is null)
        {
            return new SsnReveal(null, null, "This client has no SSN on file.");
        }

        var ssn = protector.Unprotect(clientId, envelope);
        await audit.WriteAsync(actor, AuditActions.SsnRevealed, "User", clientId, clientId, documentId is null ? null : $"document {documentId}", cancellationToken);
        return new SsnReveal(ssn, timeProvider.GetUtcNow() + VisibleFor, null);
    }
}
