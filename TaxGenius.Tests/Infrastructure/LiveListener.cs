using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TaxGenius.Core.Live;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// A signed-in user's connection to an app instance's live hub, as the browser's live.js opens it (the same cookie, the same hub),
/// recording every event it receives, and reconnecting by itself as live.js does (a reconnect counts as a resync). Over the test
/// server (long polling), so two instances on one Redis can be tested in process.
/// </summary>
public sealed class LiveListener : IAsyncDisposable
{
    private readonly Channel<(string Name, JsonElement Payload)> received = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly List<(string Name, JsonElement Payload)> seen = [];

    private LiveListener(HubConnection connection)
    {
        Connection = connection;
        connection.On<string, JsonElement>(LiveHub.ClientMethod, (name, payload) => received.Writer.TryWrite((name, payload)));
        // As live.js does: a connection that had to reconnect may have missed events, so it counts as a resync.
        connection.Reconnected += _ =>
        {
            received.Writer.TryWrite((LiveEventNames.Resync, JsonDocument.Parse("{\"reconnected\":true}").RootElement));
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Signs <paramref name="email"/> in on <paramref name="app"/> and opens the hub with that cookie.</summary>
    public static async Task<LiveListener> ConnectAsync(TaxGeniusAppFactory app, string email)
    {
        var cookies = new CookieContainer();
        using (await app.SignInAsync(email, cookies: cookies))
        {
        }

        return await ConnectWithCookieAsync(app, cookies.GetCookieHeader(app.Server.BaseAddress));
    }

    /// <summary>Opens the hub with the given Cookie header (empty: signed out).</summary>
    public static async Task<LiveListener> ConnectWithCookieAsync(TaxGeniusAppFactory app, string cookieHeader)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, LiveHub.Path), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                if (cookieHeader.Length > 0)
                {
                    o.Headers["Cookie"] = cookieHeader;
                }
            })
            .WithAutomaticReconnect(new KeepTrying())
            .Build();
        var listener = new LiveListener(connection);
        await connection.StartAsync();
        // StartAsync returns at the handshake, before the hub's OnConnectedAsync has joined the user and staff groups; the hub runs
        // invocations only after it, so one harmless call makes sure the groups (and their Redis channels) are in place before a
        // test sends anything (CI once lost a staff event sent right after connecting).
        await connection.InvokeAsync(nameof(LiveHub.Unfollow), "");
        return listener;
    }

    /// <summary>The first event called <paramref name="name"/> that <paramref name="match"/> accepts, within <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(string name, Func<T, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        foreach (var (eventName, payload) in seen.ToList())
        {
            if (eventName == name && payload.Deserialize<T>(JsonSerializerOptions.Web) is { } earlier && match(earlier))
            {
                return earlier;
            }
        }

        try
        {
            while (true)
            {
                var (eventName, payload) = await received.Reader.ReadAsync(cancel.Token);
                seen.Add((eventName, payload));
                if (eventName == name && payload.Deserialize<T>(JsonSerializerOptions.Web) is { } value && match(value))
                {
                    return value;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{name}' event matched within {timeout.TotalSeconds} s (received: {string.Join(", ", seen.Select(e => e.Name))}; " +
                $"connection {Connection.State}).");
        }
    }

    /// <summary>Every event received so far (and drained from the channel).</summary>
    public IReadOnlyList<string> Names()
    {
        while (received.Reader.TryRead(out var item))
        {
            seen.Add(item);
        }

        return seen.Select(e => e.Name).ToList();
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    /// <summary>Like live.js in a browser: keeps reconnecting (every second, then every two) for a minute, however long Redis takes to come back.</summary>
    private sealed class KeepTrying : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime > TimeSpan.FromSeconds(60) ? null : TimeSpan.FromSeconds(retryContext.PreviousRetryCount == 0 ? 0 : Math.Min(retryContext.PreviousRetryCount, 2));
    }
}
