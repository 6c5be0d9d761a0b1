using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Email;

public static class EmailTemplateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EmailRenderer"/> (singleton). The templates read the firm's name from
    /// <c>IOptions&lt;TaxGeniusOptions&gt;</c>; without configuration it is the default, "TaxGenius".
    /// </summary>
    public static IServiceCollection AddTaxGeniusEmailTemplates(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.AddOptions();
        services.TryAddSingleton<EmailRenderer>();
        return services;
    }
}
