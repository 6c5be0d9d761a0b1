using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// The referral link /r/{code} (anonymous: records a click, sets the 30-day first-party cookie, leads to registration) and
/// /api/referrals (REFERRER only: the CSV export of one's own referrals, consent-gated like every view of them).
/// </summary>
internal static class ReferralEndpoints
{
    public static IEndpointRouteBuilder MapReferralLink(this IEndpointRouteBuilder app)
    {
        app.MapGet("/r/{code}", FollowLinkAsync).AllowAnonymous().WithName("FollowReferralLink").ExcludeFromDescription();
        return app;
    }

    public static RouteGroupBuilder MapReferralEndpoints(this RouteGroupBuilder api)
    {
        var referrals = api.MapGroup("/referrals").RequireAuthorization(Policies.Referrer).WithTags("Referrals").AnswersProblems(ApiDocumentation.RoleOnly);
        referrals.MapGet("/export.csv", ExportAsync).WithName("ExportReferrals").WithSummary("Export your referrals as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return api;
    }

    private static async Task<RedirectHttpResult> FollowLinkAsync(string code, HttpContext context, ReferralCodeService referrals,
        IOptions<ReferralOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var known = await referrals.RecordClickAsync(code, context.Connection.RemoteIpAddress, cancellationToken);
        if (known is null)
        {
            // An unknown or mistyped code still leads to registration, without a referral, and the page says why no code is filled in.
            return TypedResults.Redirect("/Account/Register?link=unknown");
        }

        context.Response.Cookies.Append(ReferralCodeService.CookieName, known, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
            Expires = clock.GetUtcNow().AddDays(options.Value.CookieDays),
        });
        return TypedResults.Redirect($"/Account/Register?ref={Uri.EscapeDataString(known)}");
    }

    private static async Task<FileContentHttpResult> ExportAsync(ClaimsPrincipal user, ReferrerDashboardService referrals, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await referrals.WriteCsvAsync(user.GetUserId(), buffer, cancellationToken);
        var fileName = $"referrals-{clock.GetUtcNow():yyyy-MM-dd}.csv";
        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", fileName);
    }
}
