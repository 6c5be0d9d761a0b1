using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Caching;

namespace TaxGenius.Core.RateLimiting;

public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="RateLimitOptions"/> (validated at start) and the counter: in Redis when <c>ConnectionStrings:Redis</c> is set
    /// (shared by every instance, keys under <c>Redis:InstanceName</c>), otherwise in memory.
    /// </summary>
    public static IServiceCollection AddTaxGeniusRateLimitCounters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis")))
        {
            services.AddSingleton<IRateLimitCounter>(sp => new MemoryRateLimitCounter(sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            var prefix = RedisKeys.Prefix(configuration);
            services.AddSingleton<IRateLimitCounter>(sp => new RedisRateLimitCounter(
                sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RedisRateLimitCounter>>(), prefix));
        }

        return services;
    }
}
