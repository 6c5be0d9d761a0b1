using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using TaxGenius.Core.Caching;

namespace TaxGenius.Core.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>
    /// The live hub and <see cref="LiveChannel"/>. With <c>ConnectionStrings:Redis</c> set, the hub is scaled out over the
    /// StackExchange.Redis backplane, on the app's one Redis connection, its channels prefixed with <c>Redis:InstanceName</c>; without
    /// it, in process. Blazor's own circuit hub stays in process either way (circuits are sticky to their instance).
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusLive(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSignalR().AddHubOptions<LiveHub>(o =>
        {
            // Browsers only ever send Follow/Unfollow with a group name, and ChangedSince with a number.
            o.MaximumReceiveMessageSize = 4 * 1024;
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<LiveActivity>();
        services.AddSingleton<LiveChannel>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Redis")))
        {
            return builder;
        }

        var prefix = RedisKeys.Prefix(builder.Configuration);
        services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((o, multiplexer) =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + "live:");
            o.ConnectionFactory = _ => Task.FromResult(multiplexer);
        });
        services.AddSingleton<RedisHubLifetimeManager<LiveHub>>();
        services.AddSingleton<DefaultHubLifetimeManager<LiveHub>>();
        services.AddSingleton<HubLifetimeManager<LiveHub>, FallbackHubLifetimeManager<LiveHub>>();
        return builder;
    }
}
