using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Security;

public static class SsnProtectionServiceCollectionExtensions
{
    /// <summary>
    /// The SSN key ring (<c>Ssn:Keys</c>, <c>Ssn:ActiveKeyId</c>, validated at start; Production refuses to start without it),
    /// the protector, the client's SSN service and the key rotation. Outside Production an unconfigured ring falls back to a
    /// development key generated into the data folder, with a warning.
    /// </summary>
    public static IServiceCollection AddTaxGeniusSsnProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SsnProtectionOptions>()
            .Bind(configuration.GetSection(SsnProtectionOptions.Section))
            .PostConfigure<IHostEnvironment, TaxGeniusPaths, ILoggerFactory>(UseDevelopmentKeyWhenUnconfigured)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SsnProtectionOptions>, SsnProtectionOptionsValidator>();
        services.AddSingleton<SsnProtector>();
        services.AddSingleton<SsnService>();
        services.AddSingleton<SsnRotationService>();
        return services;
    }

    private static void UseDevelopmentKeyWhenUnconfigured(SsnProtectionOptions options, IHostEnvironment environment, TaxGeniusPaths paths, ILoggerFactory loggers)
    {
        if (environment.IsProduction() || options.Keys.Count > 0 || !string.IsNullOrEmpty(options.ActiveKeyId))
        {
            return;
        }

        var path = paths.DevelopmentKeyFile("ssn");
        options.Keys[SsnProtectionOptions.DevelopmentKeyId] = MasterKeys.LoadOrCreateDevelopmentKey(path, out var created);
        options.ActiveKeyId = SsnProtectionOptions.DevelopmentKeyId;
        SsnLog.DevelopmentKeyInUse(loggers.CreateLogger(typeof(SsnProtector).FullName!), path, created ? "created now" : "reused");
    }
}
