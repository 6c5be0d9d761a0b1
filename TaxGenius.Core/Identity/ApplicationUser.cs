using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Identity;

/// <summary>
/// A person who signs in. The seed's <c>role</c> is an Identity role (see <see cref="Roles"/>);
/// its <c>emailVerified</c> is <see cref="IdentityUser{TKey}.EmailConfirmed"/>.
/// </summary>
public class ApplicationUser : IdentityUser<Guid>, IHasTimestamps
{
    /// <summary>The SSN, encrypted (versioned AES-256-GCM envelope). Never selected unless needed.</summary>
    public string? SsnEncrypted { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>When an administrator locked the account (until unlocked; <c>LockoutEnd</c> holds it shut). Not set by failed sign-ins.</summary>
    public DateTime? LockedAt { get; set; }

    /// <summary>When an administrator deactivated the account: it cannot sign in, its history stays. Null while active.</summary>
    public DateTime? DeactivatedAt { get; set; }

    /// <summary>
    /// The time step of the last authenticator code accepted for this account: that code, and every older one, is refused from then on
    /// (see <see cref="SingleUseAuthenticatorTokenProvider"/>).
    /// </summary>
    public long? AuthenticatorLastStep { get; set; }

    /// <summary>Staff only: how new client messages reach them by e-mail (clients always get one e-mail per quiet period).</summary>
    public Messaging.MessageNotificationMode MessageNotifications { get; set; }

    public Profile? Profile { get; set; }
    public List<Document> Documents { get; } = [];

    /// <summary>Referrals this user made as a referrer.</summary>
    public List<Referral> Referrals { get; } = [];
}
