using System.Collections.Concurrent;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E.Infrastructure;

/// <summary>One app instance (PostgreSQL, Redis, demo data) shared by the tests of a class that only read from it.</summary>
public sealed class SharedApp : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Task> once = new();

    public TaxGeniusAppFactory App { get; private set; } = default!;

    /// <summary>
    /// Makes what <paramref name="create"/> makes once for this app under <paramref name="key"/>, and hands every later caller the same:
    /// rows a class's tests need to open (one signature request, not one per test, which the demo client's home would then list).
    /// </summary>
    public Task<T> OnceAsync<T>(string key, Func<Task<T>> create) => (Task<T>)once.GetOrAdd(key, _ => create());

    public async Task InitializeAsync()
    {
        App = await TaxGeniusAppFactory.CreateAsync(kestrel: true);
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
