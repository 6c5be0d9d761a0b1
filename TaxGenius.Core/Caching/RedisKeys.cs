using Microsoft.Extensions.Configuration;

namespace TaxGenius.Core.Caching;

/// <summary>
/// Every Redis key and channel of one deployment starts with <c>Redis:InstanceName</c> (default "taxgenius:"), so two
/// deployments (or two test runs) can share a Redis server without reading each other's cache, counters or events.
/// </summary>
public static class RedisKeys
{
    public const string Section = "Redis";
    public const string DefaultPrefix = "taxgenius:";

    public static string Prefix(IConfiguration configuration) =>
        configuration.GetSection(Section)["InstanceName"] is { Length: > 0 } prefix ? prefix : DefaultPrefix;
}
