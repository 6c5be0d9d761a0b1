using Microsoft.AspNetCore.Authorization;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// A preparer or administrator without an authenticator app reaches nothing that needs a signed-in user until they enroll:
/// pages send them to <see cref="StaffMfa.EnrollmentPath"/>, the API answers 403 with the reason. The account pages
/// (enrollment itself, sign-out) and anonymous endpoints (static files, the public landing page) stay open. The staff
/// policies require the enrollment claim as well, so pages reached inside an interactive circuit are refused too.
/// </summary>
internal sealed class StaffMfaEnforcementMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!StaffMfa.MustEnroll(context.User) || context.Request.Path.StartsWithSegments("/Account") || !NeedsSignIn(context))
        {
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Headers.CacheControl = "no-store";
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Two-factor sign-in required",
                detail: "Preparers and administrators must set up an authenticator app before using TaxGenius. Sign in with a browser and follow the steps.")
                .ExecuteAsync(context);
            return;
        }

        // Enrollment ends with "Continue to my workspace" (the role's home), so no return address is carried along.
        context.Response.Redirect(context.Request.PathBase + StaffMfa.EnrollmentPath);
    }

    /// <summary>The endpoint asks for an authorized user (static files and anonymous pages do not).</summary>
    private static bool NeedsSignIn(HttpContext context) =>
        context.GetEndpoint() is { } endpoint
        && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
        && endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
}
