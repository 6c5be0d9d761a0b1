using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaxGenius.Core.Profiles;

namespace TaxGenius.Core.Dashboards;

public static class DashboardsServiceCollectionExtensions
{
    /// <summary>What each role's home shows, and the client's profile.</summary>
    public static IHostApplicationBuilder AddTaxGeniusDashboards(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RoleHomeService>();
        builder.Services.AddSingleton<AdminDashboardService>();
        builder.Services.AddSingleton<ProfileService>();
        return builder;
    }
}
