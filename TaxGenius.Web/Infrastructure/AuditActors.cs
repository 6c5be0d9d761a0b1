using System.Security.Claims;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>Who is acting, for the audit log: the signed-in user and the address they come from (after forwarded headers).</summary>
public static class AuditActors
{
    public static AuditActor From(ClaimsPrincipal user, HttpContext? context) => new(
        user.GetUserId(),
        user.Identity?.Name,
        context?.Connection.RemoteIpAddress?.ToString(),
        user.IsInRole(Roles.Admin));
}
