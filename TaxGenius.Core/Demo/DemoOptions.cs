namespace TaxGenius.Core.Demo;

/// <summary>Settings under <c>Demo</c>. Demo accounts are seeded only outside Production.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed one account per role and a little sample data. Default: on for the embedded SQLite store.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The demo accounts' password. When empty a random one is generated once, kept in the data folder and printed at start.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The authenticator key (Base32) every demo account is enrolled with, since staff must use two-factor sign-in and the firm's
    /// default policy asks it of clients and referrers too. When empty a random one is generated once, kept in the data folder and printed at start with its otpauth:// link.
    /// </summary>
    public string? TotpSecret { get; set; }

    /// <summary>
    /// Seed the demo firm around the demo accounts (~60 clients, two tax years of work, ~400 documents; <see cref="DemoFirmSeeder"/>).
    /// Default: on for the embedded SQLite store, off otherwise. Never in Production.
    /// </summary>
    public bool? Firm { get; set; }
}

/// <summary>The demo accounts, one per role.</summary>
public static class DemoAccounts
{
    public const string Admin = "admin@demo.taxgenius.test";
    public const string Preparer = "preparer@demo.taxgenius.test";
    public const string Referrer = "referrer@demo.taxgenius.test";
    public const string Client = "client@demo.taxgenius.test";

    public static readonly IReadOnlyList<(string Email, string Role, string FirstName, string LastName)> All =
    [
        (Admin, Identity.Roles.Admin, "Avery", "Admin"),
        (Preparer, Identity.Roles.Preparer, "Parker", "Preparer"),
        (Referrer, Identity.Roles.Referrer, "Riley", "Referrer"),
        (Client, Identity.Roles.Client, "Casey", "Client"),
    ];
}

/// <summary>Settings under <c>Bootstrap</c>: the first administrator of a new installation.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}
