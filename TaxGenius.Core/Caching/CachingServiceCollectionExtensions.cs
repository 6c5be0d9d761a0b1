using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace TaxGenius.Core.Caching;

public static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// The distributed cache (Redis when <c>ConnectionStrings:Redis</c> is set, shared by every instance; in-process otherwise), the
    /// one Redis connection, the cache reads with database fallback and invalidation on save.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusCaching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton<TaxGeniusCache>();
        services.AddSingleton<SecurityVersions>();
        services.AddSingleton<ISaveChangesInterceptor, CacheInvalidationInterceptor>();
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddDistributedMemoryCache();
            return builder;
        }


        // One multiplexer for the whole process. AbortOnConnectFail=false: the app starts, and keeps serving, while Redis is away;
        // FailFast: while disconnected, commands fail at once (callers fall back to the database) instead of queueing.
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false;
        redisOptions.BacklogPolicy = BacklogPolicy.FailFast;
        redisOptions.ConnectTimeout = Math.Min(redisOptions.ConnectTimeout, 3000);
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        var prefix = RedisKeys.Prefix(configuration);
        services.AddStackExchangeRedisCache(o => o.InstanceName = prefix);
        services.AddOptions<RedisCacheOptions>().Configure<IConnectionMultiplexer>((o, multiplexer) =>
            o.ConnectionMultiplexerFactory = () => Task.FromResult(multiplexer));
        return builder;
    }
}
