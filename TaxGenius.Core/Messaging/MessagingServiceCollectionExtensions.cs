using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>Secure messaging: conversations, encrypted bodies, the inbox and the quiet-period e-mails.</summary>
    public static IHostApplicationBuilder AddTaxGeniusMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MessageProtector>();
        builder.Services.AddSingleton<MessageService>();
        builder.Services.AddSingleton<InboxService>();
        builder.Services.AddSingleton<MessageNotifier>();
        builder.Services.AddSingleton<MessageRotationService>();
        builder.Services.AddSingleton<StaffMessageSettings>();
        builder.Services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
