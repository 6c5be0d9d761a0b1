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

    /// <summary>
    /// Where to go after signing in (or enrolling an authenticator): the local page asked for, or the home of the user's
    /// first role when none (or only the public landing page) was asked for.
    /// </summary>
    public static string LandingPath(IList<string> roles, string? returnUrl = null) =>
        Common.LocalUrls.IsLocal(returnUrl) && returnUrl != "/"
            ? returnUrl
            : roles.Count > 0 ? HomePath(roles[0]) : "/";

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

/// <summary>Authorization policy names: one per role, and <see cref="Staff"/> for the firm's people (preparers and admins).</summary>
public static class Policies
{
    public const string Client = "RequireClient";
    public const string Preparer = "RequirePreparer";
    public const string Referrer = "RequireReferrer";
    public const string Admin = "RequireAdmin";

    /// <summary>PREPARER or ADMIN: the firm's staff, who work on clients' documents (the queue, the document page); admins too.</summary>
    public const string Staff = "RequireStaff";

    public static readonly IReadOnlyList<string> StaffRoles = [Roles.Preparer, Roles.Admin];

    public static readonly IReadOnlyDictionary<string, string> RoleByPolicy = new Dictionary<string, string>
    {
        [Client] = Roles.Client,
        [Preparer] = Roles.Preparer,
        [Referrer] = Roles.Referrer,
        [Admin] = Roles.Admin,
    };
}
