using System.Security.Claims;

namespace TaxGenius.Web;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (Identity puts it in the NameIdentifier claim).</summary>
    public static Guid GetUserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : throw new InvalidOperationException("The user is not signed in.");
}
