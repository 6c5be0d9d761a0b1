using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TaxGenius.Core.Live;

/// <summary>
/// The Redis backplane, with this instance's own connections kept working while Redis is away. Every connection and group is
/// registered with both SignalR's <see cref="RedisHubLifetimeManager{THub}"/> (which carries events between instances) and its
/// in-process <see cref="DefaultHubLifetimeManager{THub}"/>; a send goes over Redis, and only when Redis cannot take it, to this
/// instance's own connections. When Redis comes back, connections that could not register with it meanwhile are closed (the
/// browser reconnects at once and registers afresh) and every open page is told to catch up on what other instances sent while
/// Redis was away (pub/sub keeps nothing).
/// </summary>
public sealed class FallbackHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly RedisHubLifetimeManager<THub> redis;
    private readonly DefaultHubLifetimeManager<THub> local;
    private readonly IConnectionMultiplexer multiplexer;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, HubConnectionContext> connections = new();
    private readonly ConcurrentDictionary<string, HubConnectionContext> notOnRedis = new();

    public FallbackHubLifetimeManager(RedisHubLifetimeManager<THub> redis, DefaultHubLifetimeManager<THub> local,
        IConnectionMultiplexer multiplexer, ILogger<FallbackHubLifetimeManager<THub>> logger)
    {
        this.redis = redis;
        this.local = local;
        this.multiplexer = multiplexer;
        this.logger = logger;
        multiplexer.ConnectionRestored += OnRedisRestored;
    }

    /// <summary>Connections of this instance that Redis does not know about (they joined while it was away).</summary>
    public int ConnectionsNotOnRedis => notOnRedis.Count;

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        connections[connection.ConnectionId] = connection;
        await local.OnConnectedAsync(connection);
        await OnRedisAsync(connection.ConnectionId, () => redis.OnConnectedAsync(connection));
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        connections.TryRemove(connection.ConnectionId, out _);
        notOnRedis.TryRemove(connection.ConnectionId, out _);
        await local.OnDisconnectedAsync(connection);
        await OnRedisAsync(null, () => redis.OnDisconnectedAsync(connection));
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await local.AddToGroupAsync(connectionId, groupName, cancellationToken);
        await OnRedisAsync(connectionId, () => redis.AddToGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        await OnRedisAsync(null, () => redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendAllAsync(methodName, args, cancellationToken), () => local.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken),
            () => local.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendConnectionAsync(connectionId, methodName, args, cancellationToken),
            () => local.SendConnectionAsync(connectionId, methodName, args, cancellationToken));

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken),
            () => local.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendGroupAsync(groupName, methodName, args, cancellationToken),
            () => local.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendGroupsAsync(groupNames, methodName, args, cancellationToken),
            () => local.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken),
            () => local.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendUserAsync(userId, methodName, args, cancellationToken),
            () => local.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => redis.SendUsersAsync(userIds, methodName, args, cancellationToken),
            () => local.SendUsersAsync(userIds, methodName, args, cancellationToken));

    public void Dispose()
    {
        multiplexer.ConnectionRestored -= OnRedisRestored;
        // The multiplexer is the app's own (shared with the cache and rate limits): it is disposed with the container, not here.
    }

    private async Task SendAsync(Func<Task> overRedis, Func<Task> here)
    {
        try
        {
            await overRedis();
        }
        // Any failure of the backplane (a RedisException, a timeout, the Redis manager's own errors while it reconnects): the
        // instance's own connections are served here meanwhile.
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LiveLog.BackplaneUnavailable(logger, ex.GetType().Name);
            await here();
        }
    }

    /// <summary>Does <paramref name="action"/> on the Redis manager; when Redis cannot, marks <paramref name="connectionId"/> to rejoin later.</summary>
    private async Task OnRedisAsync(string? connectionId, Func<Task> action)
    {
        try
        {
            await action();
        }
        // Any failure of the backplane (a RedisException, a timeout, the Redis manager's own errors while it reconnects): the
        // instance's own connections are served here meanwhile.
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LiveLog.BackplaneUnavailable(logger, ex.GetType().Name);
            if (connectionId is not null && connections.TryGetValue(connectionId, out var connection))
            {
                notOnRedis[connectionId] = connection;
            }
        }
    }

    private void OnRedisRestored(object? sender, ConnectionFailedEventArgs e)
    {
        var rejoin = notOnRedis.Values.ToList();
        notOnRedis.Clear();
        foreach (var connection in rejoin)
        {
            // The browser's automatic reconnect opens a new connection, which registers with Redis and reloads the page's data.
            connection.Abort();
        }

        LiveLog.BackplaneRestored(logger, rejoin.Count);
        _ = local.SendAllAsync(LiveHub.ClientMethod, [LiveEventNames.Resync, new { }]);
    }
}
