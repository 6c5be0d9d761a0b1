using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaxGenius.Core.Health;

namespace TaxGenius.Web.Infrastructure;

internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static void AddTaxGeniusHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<EmailTransportHealthCheck>(); // one instance: it keeps the last SMTP probe for a few seconds
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<JobStorageHealthCheck>("jobs", tags: [ReadyTag])
            .AddCheck<EmailTransportHealthCheck>("email", tags: [ReadyTag])
            .AddCheck<DocumentStoreHealthCheck>("storage", tags: [ReadyTag]);
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis")))
        {
            checks.AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
        }
    }

    /// <summary>/health/live: the process answers. /health/ready: its dependencies answer too. Both JSON, both anonymous.</summary>
    public static void MapTaxGeniusHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJson })
            .AllowAnonymous();
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalMilliseconds = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, milliseconds = Math.Round(e.Value.Duration.TotalMilliseconds, 1) }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web);
    }
}
