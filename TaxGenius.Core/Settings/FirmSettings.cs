namespace TaxGenius.Core.Settings;

/// <summary>The firm's own policies, changed by administrators at /admin/settings (one row; defaults until first saved).</summary>
public sealed class FirmSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>
    /// Whether staff may tick "don't ask for a code on this device for 14 days" at the second sign-in step. Off by default: a stolen
    /// laptop must not skip the second factor into client data. Clients and referrers may always.
    /// </summary>
    public bool StaffMayRememberBrowser { get; set; }

    /// <summary>
    /// Whether clients and referrers must use a second factor too (the FTC Safeguards Rule, 16 CFR 314.4(c)(5), asks it of anyone who
    /// reaches customer information): a passkey, or a password plus an authenticator code or an e-mailed code. On for a new firm.
    /// </summary>
    public bool RequireClientSecondFactor { get; set; } = true;

    public DateTime? UpdatedAt { get; set; }

    public Guid? UpdatedById { get; set; }
}
