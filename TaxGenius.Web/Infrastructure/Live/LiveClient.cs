using System.Collections.Immutable;
using System.Text.Json;
using TaxGenius.Core.Live;

namespace TaxGenius.Web.Infrastructure.Live;

/// <summary>
/// The live events of one circuit (scoped), as they arrive in the browser from the live hub: the layout's
/// <c>LiveConnection</c> hands each one here and the open page's handlers refresh what it shows. Pages never listen to Redis or to
/// another server-side channel: what the browser receives is what the page reacts to.
/// </summary>
public sealed class LiveClient(ILogger<LiveClient> logger)
{
    private ImmutableList<(string Name, Func<JsonElement, Task> Handler)> handlers = [];

    /// <summary>Handles every event called <paramref name="name"/> until the returned subscription is disposed.</summary>
    public IDisposable On<T>(string name, Func<T, Task> handler) => Add(name, payload =>
        payload.Deserialize<T>(JsonSerializerOptions.Web) is { } value ? handler(value) : Task.CompletedTask);

    /// <summary>
    /// The live connection came back after being away (or Redis did): events sent meanwhile were missed, so the page reloads (or checks
    /// the version of) what it shows. Never raised while events flow.
    /// </summary>
    public IDisposable OnResync(Func<Task> handler) => Add(LiveEventNames.Resync, _ => handler());

    /// <summary>The number of handlers listening (for tests and diagnostics).</summary>
    public int HandlerCount => handlers.Count;

    internal async Task DispatchAsync(string name, JsonElement payload)
    {
        foreach (var (eventName, handler) in handlers)
        {
            if (eventName != name)
            {
                continue;
            }

            try
            {
                await handler(payload);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failing handler must not stop the others from hearing about the change.
                WebLog.LiveHandlerFailed(logger, name, ex.GetType().Name);
            }
        }
    }

    private Subscription Add(string name, Func<JsonElement, Task> handler)
    {
        var entry = (name, handler);
        ImmutableInterlocked.Update(ref handlers, list => list.Add(entry));
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
