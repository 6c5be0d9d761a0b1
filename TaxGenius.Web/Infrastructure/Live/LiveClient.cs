using System.Collections.Immutable;
using System.Text.Json;
using TaxGenius.Core.Live;

namespace TaxGenius.Web.Infrastructure.Live;

/// <summary>
/// The live events of one circuit (scoped), as they arrive in the browser from the live hub: the layout's
/// <c>LiveConnection</c> hands each one here and the open page's handlers refresh what it shows. Pages never listen to Redis or to
/// another server-side channel: what the browser receives is what the page reacts to.
/// </summary>
public sealed class LiveClient(TimeProvider clock, ILogger<LiveClient> logger)
{
    /// <summary>How many of the latest events are kept for pages that subscribe after loading (<see cref="Mark"/>).</summary>
    internal const int Kept = 32;

    private readonly Lock gate = new();
    private readonly Queue<(long Number, string Name, JsonElement Payload)> recent = new();
    private ImmutableList<(string Name, Func<JsonElement, Task> Handler)> handlers = [];
    private long received;

    /// <summary>
    /// When this circuit's live view began: no page of the circuit loaded anything before it (each injects this client before it
    /// loads). The tab's first hub connection asks whether its groups were sent anything since then (<c>LiveHub.ChangedSince</c>),
    /// to catch what was sent before it was open.
    /// </summary>
    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    /// <summary>
    /// Where the events stand now. A page takes a mark before it loads what it shows and passes it when it subscribes (after its first
    /// render): the events that arrived in between are handed to its handlers then, instead of being missed.
    /// </summary>
    public LiveMark Mark()
    {
        lock (gate)
        {
            return new LiveMark(received);
        }
    }

    /// <summary>
    /// Handles every event called <paramref name="name"/> until the returned subscription is disposed; with <paramref name="since"/>,
    /// first those that arrived after that mark (at most the latest <see cref="Kept"/>). The mark has no default: a page that shows
    /// what it loaded passes the mark it took before loading, and only an event with nothing to catch up on (someone typing) passes
    /// null, so a new live page cannot forget it.
    /// </summary>
    public IDisposable On<T>(string name, Func<T, Task> handler, LiveMark? since) => Add(name, payload =>
        payload.Deserialize<T>(JsonSerializerOptions.Web) is { } value ? handler(value) : Task.CompletedTask, since);

    /// <summary>
    /// The live connection came back after being away (or Redis did): events sent meanwhile were missed, so the page reloads (or checks
    /// the version of) what it shows. Never raised while events flow. With <paramref name="since"/>, also raised at once if that
    /// happened after the mark.
    /// </summary>
    public IDisposable OnResync(Func<Task> handler, LiveMark? since) => Add(LiveEventNames.Resync, _ => handler(), since);

    /// <summary>The number of handlers listening (for tests and diagnostics).</summary>
    public int HandlerCount => handlers.Count;

    internal async Task DispatchAsync(string name, JsonElement payload)
    {
        lock (gate)
        {
            // The payload outlives the interop call that brought it only as a copy.
            recent.Enqueue((++received, name, payload.ValueKind == JsonValueKind.Undefined ? payload : payload.Clone()));
            if (recent.Count > Kept)
            {
                recent.Dequeue();
            }
        }

        foreach (var (eventName, handler) in handlers)
        {
            if (eventName == name)
            {
                await RunAsync(name, handler, payload);
            }
        }
    }

    private async Task RunAsync(string name, Func<JsonElement, Task> handler, JsonElement payload)
    {
        // Nothing gets out of here: one failing handler must not stop the others from hearing about the change, and a call from the
        // tab that fails makes live.js drop this circuit's listener for good (the tab would hear nothing more until a reload).
        try
        {
            await handler(payload);
        }
        catch (OperationCanceledException)
        {
            // The handler gave up (the circuit is closing, or its own time ran out): the next event is handled as usual.
        }
        catch (Exception ex)
        {
            WebLog.LiveHandlerFailed(logger, name, ex.GetType().Name);
        }
    }

    private Subscription Add(string name, Func<JsonElement, Task> handler, LiveMark? since)
    {
        var entry = (name, handler);
        List<JsonElement> missed;
        lock (gate)
        {
            ImmutableInterlocked.Update(ref handlers, list => list.Add(entry));
            missed = since is { } mark ? recent.Where(e => e.Number > mark.Received && e.Name == name).Select(e => e.Payload).ToList() : [];
        }

        // As if they arrived now: a page subscribes on its renderer's thread (after its first render), where its handlers run anyway.
        foreach (var payload in missed)
        {
            _ = RunAsync(name, handler, payload);
        }

        return new Subscription(() => ImmutableInterlocked.Update(ref handlers, list => list.Remove(entry)));
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}

/// <summary>A point in a circuit's stream of live events (<see cref="LiveClient.Mark"/>).</summary>
public readonly record struct LiveMark(long Received);
