using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Live;

/// <summary>The names of live events, as the browser module and <c>LiveClient</c> see them.</summary>
public static class LiveEventNames
{
    public const string Document = "document";
    public const string Engagement = "engagement";
    public const string Recognition = "recognition";

    /// <summary>Sent by the server (not an event about data): what this page shows may be stale, reload it.</summary>
    public const string Resync = "resync";
}

/// <summary>
/// The only way anything publishes a live event: through <see cref="IHubContext{THub}"/> of <see cref="LiveHub"/> to a group, so the
/// SignalR backplane (Redis when configured) carries it to every instance. A failure to send never fails the change that caused it:
/// the data is saved, and a page that missed the event catches up on its next load or resync.
/// </summary>
public sealed class LiveChannel(IHubContext<LiveHub> hub, LiveActivity activity, ILogger<LiveChannel> logger)
{
    public Task SendToUserAsync(Guid userId, string name, object payload, CancellationToken cancellationToken = default) =>
        SendAsync(LiveGroups.User(userId), name, payload, cancellationToken);

    public Task SendToStaffAsync(string name, object payload, CancellationToken cancellationToken = default) =>
        SendAsync(LiveGroups.Staff, name, payload, cancellationToken);

    public Task SendToGroupAsync(string group, string name, object payload, CancellationToken cancellationToken = default) =>
        SendAsync(group, name, payload, cancellationToken);

    private async Task SendAsync(string group, string name, object payload, CancellationToken cancellationToken)
    {
        try
        {
            // Noted first: a tab that connects while this is on its way then asks, and catches up, rather than miss it (LiveActivity).
            await activity.TouchAsync(group, cancellationToken);
            await hub.Clients.Group(group).SendAsync(LiveHub.ClientMethod, name, payload, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LiveLog.SendFailed(logger, name, ex.GetType().Name);
        }
    }
}

/// <summary>The live channel (1250–1269). Never a payload: only event names and error types.</summary>
internal static partial class LiveLog
{
    [LoggerMessage(EventId = 1251, Level = LogLevel.Warning, Message = "Could not send the live event {Name} ({ErrorType}); open pages catch up on their next load")]
    public static partial void SendFailed(ILogger logger, string name, string errorType);

    [LoggerMessage(EventId = 1252, Level = LogLevel.Warning, Message = "Redis unavailable for the live hub ({ErrorType}); delivering on this instance only")]
    public static partial void BackplaneUnavailable(ILogger logger, string errorType);

    [LoggerMessage(EventId = 1253, Level = LogLevel.Information, Message = "Redis is back for the live hub: {Reconnected} connections re-joined, every open page told to catch up")]
    public static partial void BackplaneRestored(ILogger logger, int reconnected);

    [LoggerMessage(EventId = 1254, Level = LogLevel.Warning, Message = "Cannot note or read when live groups last had an event ({ErrorType}); tabs that connect catch up to be safe")]
    public static partial void ActivityUnavailable(ILogger logger, string errorType);
}
