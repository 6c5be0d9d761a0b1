using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Security;

public static class SsnProtectionServiceCollectionExtensions
{
    /// <summary>
    /// The SSN key ring (<c>Ssn:Keys</c>, <c>Ssn:ActiveKeyId</c>, validated at start: the app refuses to start without it, naming the
    /// setting; only Development fills an empty ring, see <see cref="DevelopmentKeys"/>), the protector, the client's SSN service and
    /// the key rotation.
    /// </summary>
    public static IServiceCollection AddTaxGeniusSsnProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SsnProtectionOptions>()
            .Bind(configuration.GetSection(SsnProtectionOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SsnProtectionOptions>, SsnProtectionOptionsValidator>();
        services.AddSingleton<SsnProtector>();
        services.AddSingleton<SsnService>();
        services.AddSingleton<SsnRotationService>();
        return services;
    }
}
