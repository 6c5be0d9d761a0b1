using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E.Infrastructure;

/// <summary>One app instance (PostgreSQL, Redis, demo data) shared by the tests of a class that only read from it.</summary>
public sealed class SharedApp : IAsyncLifetime
{
    public TaxGeniusAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        App = await TaxGeniusAppFactory.CreateAsync(kestrel: true);
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
