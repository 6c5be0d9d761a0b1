namespace TaxGenius.Core.Identity;

/// <summary>The four roles of the seed's <c>UserRole</c> enum, as Identity role names.</summary>
public static class Roles
{
    public const string Client = "CLIENT";
    public const string Preparer = "PREPARER";
    public const string Referrer = "REFERRER";
    public const string Admin = "ADMIN";

    public static readonly IReadOnlyList<string> All = [Client, Preparer, Referrer, Admin];

    /// <summary>Where a user of the role lands after signing in.</summary>
    public static string HomePath(string role) => role switch
    {
        Client => "/client",
        Preparer => "/preparer",
        Referrer => "/referrer",
        Admin => "/admin",
        _ => "/",
    };

    /// <summary>A person-friendly name for the role.</summary>
    public static string DisplayName(string role) => role switch
    {
        Client => "Client",
        Preparer => "Preparer",
        Referrer => "Referrer",
        Admin => "Administrator",
        _ => role,
    };
}

/// <summary>Authorization policy names, one per role.</summary>
public static class Policies
{
    public const string Client = "RequireClient";

    /// <summary>PREPARER or ADMIN: the firm's staff, who work on clients' documents.</summary>
    public const string Staff = "RequireStaff";
    public const string Preparer = "RequirePreparer";
    public const string Referrer = "RequireReferrer";
    public const string Admin = "RequireAdmin";

    public static readonly IReadOnlyDictionary<string, string> RoleByPolicy = new Dictionary<string, string>
    {
        [Client] = Roles.Client,
        [Preparer] = Roles.Preparer,
        [Referrer] = Roles.Referrer,
        [Admin] = Roles.Admin,
    };
}
