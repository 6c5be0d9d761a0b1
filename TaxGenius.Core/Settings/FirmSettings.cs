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

    /// <summary>
    /// A client's data is proposed for disposal this many years after their last activity (their last engagement closed, or they
    /// signed up or uploaded, whichever is latest). Two by default: the FTC Safeguards Rule, 16 CFR 314.4(c)(6), asks for disposal
    /// no later than two years after the last use unless there is a business or legal need, which <see cref="RetentionReason"/> records.
    /// </summary>
    public int RetentionYears { get; set; } = DefaultRetentionYears;

    /// <summary>Why the firm keeps data longer than two years (required then), e.g. "IRC §6107: copies of returns kept 3 years".</summary>
    public string? RetentionReason { get; set; }

    public const int DefaultRetentionYears = 2;
    public const int MaxRetentionYears = 10;
    public const int MaxRetentionReasonLength = 300;

    public DateTime? UpdatedAt { get; set; }

    public Guid? UpdatedById { get; set; }
}
