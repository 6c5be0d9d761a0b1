using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Engagements;

public static class EngagementsServiceCollectionExtensions
{
    /// <summary>Engagements: a return per client per tax year and its stages.</summary>
    public static IHostApplicationBuilder AddTaxGeniusEngagements(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EngagementService>();
        builder.Services.AddSingleton<EngagementBoardService>();
        builder.Services.AddSingleton<DocumentRequestService>();
        builder.Services.AddSingleton<ReturnStageEmails>();
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor, EngagementEventsInterceptor>();
        builder.Services.AddSingleton<ReminderService>();
        builder.Services.AddSingleton<OrganizerService>();
        builder.Services.AddSingleton<SeasonDashboardService>();
        builder.Services.AddOptions<ReminderOptions>().Bind(builder.Configuration.GetSection(ReminderOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
