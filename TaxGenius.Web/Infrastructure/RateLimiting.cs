using TaxGenius.Core.RateLimiting;

namespace TaxGenius.Web.Infrastructure;

/// <summary>Rate limits (see the issue): registered in AddTaxGeniusWeb, used in UseTaxGenius after authentication.</summary>
internal static class RateLimiting
{
    /// <summary>The <c>RateLimits</c> options and the counter (Redis when configured, otherwise memory).</summary>
    public static IServiceCollection AddTaxGeniusRateLimiting(this IServiceCollection services, IConfiguration configuration) =>
        services.AddTaxGeniusRateLimitCounters(configuration);

    /// <summary>
    /// Limits /api and the account form posts. After authentication (signed-in API calls are counted per user) and before
    /// authorization (refused and anonymous requests are counted too, per client IP).
    /// </summary>
    public static IApplicationBuilder UseTaxGeniusRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitingMiddleware>();
}
