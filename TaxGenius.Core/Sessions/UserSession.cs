namespace TaxGenius.Core.Sessions;

/// <summary>
/// One signed-in browser: created at sign-in, named in the auth cookie by its <see cref="Id"/> (claim <see cref="SessionClaims.SessionId"/>),
/// checked on every request and by every open circuit. Revoking it (sign-out, "sign out other sessions", an administrator) ends that
/// browser's sign-in even though its cookie is still valid. The row stays after revocation (who signed in from where, and when).
/// </summary>
public class UserSession
{
    /// <summary>Random (not time-ordered): it is the session's secret name in the cookie's claims.</summary>
    public Guid Id { get; set; }

    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The last request or circuit check, recorded at most every <see cref="SessionService.TouchInterval"/>.</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>Idle expiry: <see cref="LastSeenAt"/> + <see cref="SessionService.IdleTimeout"/>, like the sliding cookie.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>As the audit log stores it (after the forwarded-headers middleware).</summary>
    public string? IpAddress { get; set; }

    /// <summary>The browser's User-Agent, cut to <see cref="MaxUserAgentLength"/>.</summary>
    public string? UserAgent { get; set; }

    /// <summary>What the sessions page shows, such as "Chrome on Windows".</summary>
    public required string Device { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>One of <see cref="SessionRevocationReasons"/>.</summary>
    public string? RevokedReason { get; set; }

    public const int MaxUserAgentLength = 256;
    public const int MaxIpAddressLength = 45;
    public const int MaxDeviceLength = 64;
    public const int MaxReasonLength = 40;
}

/// <summary>Why a session ended (stored in <see cref="UserSession.RevokedReason"/>).</summary>
public static class SessionRevocationReasons
{
    public const string SignedOut = "signed-out";
    public const string SignedOutElsewhere = "signed-out-from-other-session";
    public const string EndedByAdmin = "ended-by-admin";
    public const string AccountChanged = "account-changed";
    public const string Replaced = "replaced-by-new-sign-in";
    public const string Recovered = "account-recovered";
}

/// <summary>The claim that carries the session id in the application cookie.</summary>
public static class SessionClaims
{
    public const string SessionId = "tg:sid";

    public static Guid? Find(System.Security.Claims.ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirst(SessionId)?.Value, out var id) ? id : null;
}

/// <summary>A session as its owner sees it on the sessions page.</summary>
public sealed record SessionView(Guid Id, string Device, string? IpAddress, DateTime CreatedAt, DateTime LastSeenAt);
