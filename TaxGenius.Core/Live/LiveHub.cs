using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Live;

/// <summary>
/// The one live channel of the app (<c>/hubs/live</c>): every live event (a document's status, an engagement's stage or checklist,
/// a message, a read receipt, typing) reaches the browser through this hub, sent by <see cref="LiveChannel"/> to a group. With
/// Redis configured the hub is scaled out over the StackExchange.Redis backplane (see <see cref="FallbackHubLifetimeManager{THub}"/>),
/// so an event raised on one instance reaches a browser connected to another.
/// </summary>
/// <remarks>
/// Signed in with the same cookie (and its session checks) as the pages; API tokens do not open it. Each connection joins its own
/// user's group and, for staff, the staff group, as it connects; <see cref="Follow"/> is the only way to join another group, and it
/// refuses what the user may not see.
/// </remarks>
// Identity's application cookie (IdentityConstants.ApplicationScheme), not bearer API tokens.
[Authorize(AuthenticationSchemes = "Identity.Application")]
public sealed class LiveHub(LiveActivity activity) : Hub
{
    /// <summary>The client-side method every event arrives at: <c>live(name, payload)</c>.</summary>
    public const string ClientMethod = "live";

    public const string Path = "/hubs/live";

    public override async Task OnConnectedAsync()
    {
        if (UserId(Context.User) is not { } userId)
        {
            Context.Abort();
            return;
        }

        foreach (var group in LiveGroups.OnConnect(Context.User, userId))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// Follows a group beyond the ones joined on connecting (a conversation's typing indicator, for instance). Refused, with a
    /// message and nothing joined, for a group the user may not see.
    /// </summary>
    public async Task Follow(string group)
    {
        if (UserId(Context.User) is not { } userId || !LiveGroups.MayJoin(Context.User, userId, group))
        {
            throw new HubException("You cannot follow that.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, group);
    }

    /// <summary>
    /// Whether this user's groups (their own, and the staff group for staff) were sent an event at or after <paramref name="since"/>
    /// (Unix milliseconds: when the tab's page began loading what it shows). A tab asks once, on its first connection: an event sent
    /// before the connection was open never reached it, so on "yes" the page catches up.
    /// </summary>
    public async Task<bool> ChangedSince(long since)
    {
        if (UserId(Context.User) is not { } userId)
        {
            return false;
        }

        var from = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(since, 0, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
        return await activity.ChangedSinceAsync(LiveGroups.OnConnect(Context.User, userId), from, Context.ConnectionAborted);
    }

    public Task Unfollow(string group) =>
        group is { Length: > 0 } ? Groups.RemoveFromGroupAsync(Context.ConnectionId, group) : Task.CompletedTask;

    private static Guid? UserId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}

/// <summary>The hub's groups: one per user, one for the firm's staff, one per client conversation (who is typing).</summary>
public static class LiveGroups
{
    public const string Staff = "staff";

    public static string User(Guid userId) => "user:" + userId.ToString("N");

    public static string Conversation(Guid clientId) => "conversation:" + clientId.ToString("N");

    /// <summary>
    /// The groups every connection of <paramref name="user"/> joins on connecting (their own; the staff group for staff), which are
    /// also the ones a fresh tab asks about (<see cref="LiveHub.ChangedSince"/>).
    /// </summary>
    public static string[] OnConnect(ClaimsPrincipal? user, Guid userId) => IsStaff(user) ? [User(userId), Staff] : [User(userId)];

    /// <summary>A preparer or admin with an enrolled authenticator (the staff policy's test, as the pages apply it).</summary>
    public static bool IsStaff(ClaimsPrincipal? user) =>
        user is not null && Policies.StaffRoles.Any(user.IsInRole) && StaffMfa.HasEnrolled(user);

    /// <summary>A user may follow their own group, their own conversation, and (staff) the staff group and any conversation.</summary>
    public static bool MayJoin(ClaimsPrincipal? user, Guid userId, string group)
    {
        if (group == User(userId) || group == Conversation(userId))
        {
            return true;
        }

        return IsStaff(user) && (group == Staff || (group.StartsWith("conversation:", StringComparison.Ordinal)
            && Guid.TryParseExact(group["conversation:".Length..], "N", out _)));
    }
}
