using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaxGenius.Core.Sessions;

namespace TaxGenius.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The append-only audit log (writing and reading it) and the server-side sessions it is read with.</summary>
    public static IHostApplicationBuilder AddTaxGeniusAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditQueryService>();
        builder.Services.AddSingleton<AuditChain>();
        builder.Services.AddSingleton<SessionService>();
        return builder;
    }
}
