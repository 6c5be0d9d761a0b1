using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Live;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Tests.Web.Live;

/// <summary>
/// A circuit's live events between the moment a page starts loading and the moment it subscribes (after its first render): the page
/// takes a mark first, and what arrived after it is handed to its handlers when they subscribe, so no change in that gap is missed.
/// </summary>
public sealed class LiveClientTests
{
    private static readonly DateTime At = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Events_after_the_mark_reach_a_handler_that_subscribes_later_and_earlier_ones_do_not()
    {
        var live = new LiveClient(TimeProvider.System, NullLogger<LiveClient>.Instance);
        var before = Guid.NewGuid();
        var during = Guid.NewGuid();
        await DispatchAsync(live, LiveEventNames.Document, StatusChange(before));

        var mark = live.Mark();
        await DispatchAsync(live, LiveEventNames.Document, StatusChange(during));
        await DispatchAsync(live, LiveEventNames.Engagement, new { engagementId = Guid.NewGuid() });

        var heard = new List<Guid>();
        using var subscription = live.On<DocumentStatusChanged>(LiveEventNames.Document, change =>
        {
            heard.Add(change.DocumentId);
            return Task.CompletedTask;
        }, mark);

        // Only the document event that came after the mark: not the one before it, not the event of another name.
        Assert.Equal([during], heard);

        // From here on the handler hears events as they come, once each.
        var after = Guid.NewGuid();
        await DispatchAsync(live, LiveEventNames.Document, StatusChange(after));
        Assert.Equal([during, after], heard);
    }

    [Fact]
    public async Task Without_a_mark_a_handler_hears_only_what_comes_after_it_subscribes()
    {
        var live = new LiveClient(TimeProvider.System, NullLogger<LiveClient>.Instance);
        await DispatchAsync(live, LiveEventNames.Document, StatusChange(Guid.NewGuid()));

        var heard = 0;
        using var subscription = live.On<DocumentStatusChanged>(LiveEventNames.Document, _ =>
        {
            heard++;
            return Task.CompletedTask;
        }, since: null);
        Assert.Equal(0, heard);

        await DispatchAsync(live, LiveEventNames.Document, StatusChange(Guid.NewGuid()));
        Assert.Equal(1, heard);
    }

    [Fact]
    public async Task A_resync_after_the_mark_makes_a_late_subscriber_catch_up_at_once()
    {
        var live = new LiveClient(TimeProvider.System, NullLogger<LiveClient>.Instance);
        var mark = live.Mark();
        await live.DispatchAsync(LiveEventNames.Resync, default);

        var caughtUp = 0;
        using var subscription = live.OnResync(() =>
        {
            caughtUp++;
            return Task.CompletedTask;
        }, mark);
        Assert.Equal(1, caughtUp);

        // A mark taken after the resync sees nothing to catch up on.
        var missedNothing = 0;
        using var later = live.OnResync(() =>
        {
            missedNothing++;
            return Task.CompletedTask;
        }, live.Mark());
        Assert.Equal(0, missedNothing);
    }

    [Fact]
    public async Task Only_the_latest_events_are_kept_for_late_subscribers()
    {
        var live = new LiveClient(TimeProvider.System, NullLogger<LiveClient>.Instance);
        var mark = live.Mark();
        var sent = Enumerable.Range(0, LiveClient.Kept + 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in sent)
        {
            await DispatchAsync(live, LiveEventNames.Document, StatusChange(id));
        }

        var heard = new List<Guid>();
        using var subscription = live.On<DocumentStatusChanged>(LiveEventNames.Document, change =>
        {
            heard.Add(change.DocumentId);
            return Task.CompletedTask;
        }, mark);

        // A page that missed more than that many reloads on the latest of them anyway: each handler reads the page's data afresh.
        Assert.Equal(sent.TakeLast(LiveClient.Kept), heard);
    }

    [Fact]
    public async Task A_handler_that_fails_or_is_cancelled_neither_fails_the_call_from_the_tab_nor_stops_the_next_event()
    {
        // The tab's script drops a circuit's listener when the call fails: a throwing handler would leave the page deaf.
        var live = new LiveClient(TimeProvider.System, NullLogger<LiveClient>.Instance);
        var heard = new List<Guid>();
        var failures = new Queue<Exception>([new OperationCanceledException(), new TaskCanceledException(), new InvalidOperationException("boom")]);
        using var failing = live.On<DocumentStatusChanged>(LiveEventNames.Document,
            _ => failures.TryDequeue(out var failure) ? Task.FromException(failure) : Task.CompletedTask, since: null);
        using var listening = live.On<DocumentStatusChanged>(LiveEventNames.Document, change =>
        {
            heard.Add(change.DocumentId);
            return Task.CompletedTask;
        }, since: null);

        var sent = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in sent)
        {
            await DispatchAsync(live, LiveEventNames.Document, StatusChange(id));
        }

        Assert.Empty(failures);
        Assert.Equal(sent, heard);
    }

    private static object StatusChange(Guid documentId) =>
        new DocumentStatusChanged(documentId, Guid.NewGuid(), DocumentStatus.Completed, null, At);

    /// <summary>As the browser hands an event over: a payload whose document is gone once the call returns.</summary>
    private static async Task DispatchAsync(LiveClient live, string name, object payload)
    {
        using var document = JsonSerializer.SerializeToDocument(payload, JsonSerializerOptions.Web);
        await live.DispatchAsync(name, document.RootElement);
    }
}
