using System.Buffers.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Identity.Passkeys;

/// <summary>One of an account's passkeys as Account settings lists it. <see cref="Id"/> is the credential id in base64url.</summary>
public sealed record PasskeyView(string Id, string Name, DateTimeOffset CreatedAt, DateTime? LastUsedAt, bool Synced);

/// <summary>
/// An account's passkeys (ADR-015), on top of Identity's store: named, listed with created and last-used dates, renamed and removed —
/// never the account's last way to sign in. Additions and removals are audited.
/// </summary>
public sealed class PasskeyRegistry(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    UserManager<ApplicationUser> users,
    AuditLog audit,
    TimeProvider timeProvider)
{
    /// <summary>The shadow column on AspNetUserPasskeys Identity does not keep: when the passkey last signed someone in.</summary>
    public const string LastUsedAt = "LastUsedAt";

    public const int MaxNameLength = 60;

    public const string LastMethodRefusal =
        "This is your only way to sign in, so it cannot be removed. Add another passkey or set a password first.";

    public async Task<IReadOnlyList<PasskeyView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.UserPasskeys.AsNoTracking().Where(p => p.UserId == userId)
            .Select(p => new { p.CredentialId, p.Data.Name, p.Data.CreatedAt, p.Data.IsBackedUp, LastUsed = EF.Property<DateTime?>(p, LastUsedAt) })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(p => p.CreatedAt)
            .Select(p => new PasskeyView(Base64Url.EncodeToString(p.CredentialId), p.Name ?? "Passkey", p.CreatedAt, p.LastUsed, p.IsBackedUp))
            .ToList();
    }

    /// <summary>Stores a passkey the browser just created (attested by Identity), named after the device when no name is given.</summary>
    public async Task<string?> AddAsync(ApplicationUser user, UserPasskeyInfo passkey, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(passkey);
        passkey.Name ??= DefaultName(passkey, timeProvider.GetUtcNow());
        var result = await users.AddOrUpdatePasskeyAsync(user, passkey);
        if (!result.Succeeded)
        {
            return "The passkey could not be saved. Please try again.";
        }

        await audit.WriteAsync(actor, AuditActions.PasskeyAdded, "user", user.Id, user.Id, passkey.Name);
        return null;
    }

    public async Task<string?> RenameAsync(ApplicationUser user, string id, string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Give the passkey a name, like \"Work laptop\" or \"My phone\".";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"A passkey's name can be at most {MaxNameLength} characters.";
        }

        if (await FindAsync(user, id) is not { } passkey)
        {
            return "That passkey is no longer on your account.";
        }

        passkey.Name = trimmed;
        return (await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded ? null : "The passkey could not be renamed. Please try again.";
    }

    /// <summary>Removes a passkey unless it is the account's only way to sign in (no password, no other passkey).</summary>
    public async Task<string?> RemoveAsync(ApplicationUser user, string id, AuditActor actor)
    {
        if (await FindAsync(user, id) is not { } passkey)
        {
            return "That passkey is no longer on your account.";
        }

        if (!await users.HasPasswordAsync(user) && (await users.GetPasskeysAsync(user)).Count <= 1)
        {
            return LastMethodRefusal;
        }

        if (!(await users.RemovePasskeyAsync(user, passkey.CredentialId)).Succeeded)
        {
            return "The passkey could not be removed. Please try again.";
        }

        await audit.WriteAsync(actor, AuditActions.PasskeyRemoved, "user", user.Id, user.Id, passkey.Name);
        return null;
    }

    /// <summary>Records that the passkey signed someone in (after Identity accepted the assertion).</summary>
    public async Task TouchAsync(byte[] credentialId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.UserPasskeys.Where(p => p.CredentialId == credentialId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => EF.Property<DateTime?>(p, LastUsedAt), now), cancellationToken);
    }

    private async Task<UserPasskeyInfo?> FindAsync(ApplicationUser user, string id)
    {
        byte[] credentialId;
        try
        {
            credentialId = Base64Url.DecodeFromChars(id);
        }
        catch (FormatException)
        {
            return null;
        }

        return await users.GetPasskeyAsync(user, credentialId);
    }

    /// <summary>"Passkey added Dec 2, 2026" (synced passkeys say so): the person renames it to the device they used.</summary>
    private static string DefaultName(UserPasskeyInfo passkey, DateTimeOffset now) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(passkey.IsBackupEligible ? "Synced passkey" : "Passkey")} added {now:MMM d, yyyy}");
}
