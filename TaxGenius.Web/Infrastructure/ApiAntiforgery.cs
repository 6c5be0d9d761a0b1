using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The check every state-changing /api call makes first: a cookie call must send the token from GET /api/antiforgery in the
/// X-CSRF-TOKEN header (another site cannot read it); a bearer-token call carries no cookie authority, so there is nothing to forge.
/// </summary>
internal static class ApiAntiforgery
{
    /// <summary>What a script is told: where the token comes from, or to use an API token instead.</summary>
    public const string ScriptDetail = "Send the token from GET /api/antiforgery in the X-CSRF-TOKEN header, or use an API token.";

    /// <summary>What a page's call is told (its token is in the page, so a fresh page has a valid one).</summary>
    public const string PageDetail = "Reload the page and try again.";

    /// <summary>Null when the call may go on; else the 400 ProblemDetails to answer, its detail saying what to do.</summary>
    public static async Task<ProblemHttpResult?> RefusalAsync(HttpContext context, IAntiforgery antiforgery, string detail) =>
        ApiTokenAuthentication.IsBearer(context.Request) || await antiforgery.IsRequestValidAsync(context)
            ? null
            : TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Missing or invalid antiforgery token");
}
