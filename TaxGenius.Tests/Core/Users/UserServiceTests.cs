using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Users;

/// <summary>An app on its own database (either provider) with a fake clock and no demo data, for the user-administration services' tests.</summary>
public abstract class UserServiceTests
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected async Task<(TestDatabase Database, TaxGeniusAppFactory App)> StartAsync(DatabaseProvider provider, TestStore? store = null)
    {
        var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var settings = store?.AppSettings() ?? [];
        settings["Demo:Enabled"] = "false";
        var app = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database, extra: settings,
            configureServices: s => s.AddSingleton<TimeProvider>(Clock));
        app.StartServer();
        return (database, app);
    }

    protected static AuditActor As(Guid id, string email) => new(id, email, "127.0.0.1", IsAdmin: true);
}
