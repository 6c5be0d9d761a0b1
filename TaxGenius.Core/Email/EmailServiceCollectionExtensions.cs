using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// E-mail: the transport (SMTP when <c>Email:Smtp:Host</c> is set, otherwise the outbox folder admins read), the Razor templates,
    /// the queue in the database, the dispatcher job and the signal that wakes it after a commit.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusEmail(this IHostApplicationBuilder builder, TaxGeniusPaths paths)
    {
        var services = builder.Services;
        services.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection(EmailOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new OutboxFolder(paths.Outbox));
        if ((builder.Configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions()).UseSmtp)
        {
            services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        }
        else
        {
            services.AddSingleton<IEmailTransport, OutboxEmailTransport>();
        }

        services.AddSingleton<EmailService>();
        services.AddTaxGeniusEmailTemplates();
        services.AddSingleton<EmailQueue>();
        services.AddSingleton<EmailDispatchSignal>();
        services.AddSingleton<ISaveChangesInterceptor, EmailDispatchInterceptor>();
        services.AddTransient<EmailDeliveryJob>();
        services.AddSingleton<EmailTransportStatus>();
        services.AddSingleton<UndeliveredEmails>();
        return builder;
    }
}
