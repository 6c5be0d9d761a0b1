using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Data;

/// <summary>
/// A query EF Core warns about (several collections joined in one statement, a row limit or First without ORDER BY) fails every test
/// that runs it, in the tests' databases and apps (Database:StrictQueries); the app's default only logs the warning.
/// </summary>
public sealed class StrictQueryTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_query_ef_core_warns_about_fails_in_the_tests_and_only_warns_in_the_app(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var strict = await database.Factory.CreateDbContextAsync())
        {
            var joined = await Assert.ThrowsAsync<InvalidOperationException>(() => BothCollections(strict).ToListAsync());
            Assert.Contains("MultipleCollectionIncludeWarning", joined.Message, StringComparison.Ordinal);
            var unordered = await Assert.ThrowsAsync<InvalidOperationException>(() => strict.AuditEntries.FirstOrDefaultAsync());
            Assert.Contains("FirstWithoutOrderByAndFilterWarning", unordered.Message, StringComparison.Ordinal);

            // Written as they should be, the same queries run.
            Assert.Empty(await BothCollections(strict).AsSplitQuery().ToListAsync());
            Assert.Null(await strict.AuditEntries.OrderBy(a => a.Id).FirstOrDefaultAsync());
        }

        // The app's default (no StrictQueries): the warned-about query still runs, and EF Core logs its warning.
        await using var services = new ServiceCollection().AddSingleton(TimeProvider.System)
            .AddTaxGeniusDatabase(new DatabaseOptions { Provider = provider, ConnectionString = database.ConnectionString }).BuildServiceProvider();
        await using var lenient = await services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.Empty(await BothCollections(lenient).ToListAsync());
    }

    [Fact]
    public async Task The_test_apps_read_the_setting_from_configuration()
    {
        var factory = app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => BothCollections(db).ToListAsync());
    }

    /// <summary>A signature request with its signers and its fields: two collections, one cartesian join unless split.</summary>
    private static IQueryable<TaxGenius.Core.Signatures.SignatureRequest> BothCollections(TaxGeniusDbContext db) =>
        db.SignatureRequests.Include(r => r.Signers).Include(r => r.Fields);
}
