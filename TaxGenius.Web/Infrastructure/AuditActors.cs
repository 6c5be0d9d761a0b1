using System.Security.Claims;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>Who is acting, for the audit log: the signed-in user, the address they come from (after forwarded headers) and their browser.</summary>
public static class AuditActors
{
    /// <summary>For an HTTP request (endpoints, static account pages).</summary>
    public static AuditActor From(ClaimsPrincipal user, HttpContext? context) =>
        From(user, context?.Connection.RemoteIpAddress?.ToString(), context?.Request.Headers.UserAgent.ToString());

    /// <summary>For an interactive page: the client captured when its circuit opened (<see cref="CircuitClient"/>).</summary>
    public static AuditActor From(ClaimsPrincipal user, string? ipAddress, string? userAgent) => new(
        user.GetUserId(),
        user.Identity?.Name,
        ipAddress,
        user.IsInRole(Roles.Admin),
        string.IsNullOrEmpty(userAgent) ? null : userAgent.Length > CircuitClient.MaxUserAgentLength ? userAgent[..CircuitClient.MaxUserAgentLength] : userAgent,
        Guid.TryParse(user.FindFirst(ApiTokenAuthentication.TokenIdClaim)?.Value, out var tokenId) ? tokenId : null);
}
