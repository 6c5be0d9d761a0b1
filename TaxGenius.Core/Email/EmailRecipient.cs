using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Email;

/// <summary>Where an e-mail to an account goes and how it greets them: only an active account with an address.</summary>
public sealed record EmailRecipient(string Email, string Greeting)
{
    /// <summary>The greeting when the profile has no first name yet.</summary>
    public const string NoName = "there";

    /// <summary>The account's address and first name (or "there"); null when it is deactivated or has no address.</summary>
    public static async Task<EmailRecipient?> FindAsync(TaxGeniusDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.DeactivatedAt == null && u.Email != null)
            .Select(u => new { u.Email, FirstName = u.Profile != null ? u.Profile.FirstName : null })
            .SingleOrDefaultAsync(cancellationToken);
        return user is null ? null : new EmailRecipient(user.Email!, string.IsNullOrWhiteSpace(user.FirstName) ? NoName : user.FirstName);
    }
}
