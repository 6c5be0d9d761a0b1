namespace TaxGenius.Web.Infrastructure;

/// <summary>Rate limits: the counters are Core's (AddTaxGeniusRateLimitCounters); the middleware runs in UseTaxGenius.</summary>
internal static class RateLimiting
{
    /// <summary>
    /// Limits /api and the account form posts. After authentication (signed-in API calls are counted per user) and before
    /// authorization (refused and anonymous requests are counted too, per client IP).
    /// </summary>
    public static IApplicationBuilder UseTaxGeniusRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitingMiddleware>();
}
