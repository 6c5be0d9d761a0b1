using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Compliance;

public static class ComplianceServiceCollectionExtensions
{
    /// <summary>The compliance centre: access reports (breach readiness), consents, retention and disposal, the evidence pack.</summary>
    public static IHostApplicationBuilder AddTaxGeniusCompliance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AccessReportService>();
        builder.Services.AddSingleton<Consents.ConsentService>();
        builder.Services.AddSingleton<Retention.RetentionService>();
        builder.Services.AddScoped<ComplianceEvidenceService>(); // scoped like MfaCoverage, which it reads
        return builder;
    }
}
