namespace TaxGenius.Tests.Infrastructure;

/// <summary>One app (test server, new PostgreSQL database, Redis) shared by the tests of a class.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private TaxGeniusAppFactory? factory;

    public TaxGeniusAppFactory Factory => factory ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        factory = await TaxGeniusAppFactory.CreateAsync();
        factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
    }
}
