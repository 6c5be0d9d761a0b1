using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Live;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>Redis stops in the middle: pages and sign-in go on, readiness says so, and live updates resume when it returns.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private TwoInstances apps = default!;

    private TaxGeniusAppFactory A => apps.A;

    private TaxGeniusAppFactory B => apps.B;

    public async Task InitializeAsync() => apps = await TwoInstances.StartAsync(privateRedis: true);

    public async Task DisposeAsync() => await apps.DisposeAsync();

    [Fact]
    public async Task The_app_keeps_working_without_Redis_and_live_updates_resume_when_it_returns()
    {
        using var client = await A.SignInAsync(DemoAccounts.Client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);

        await apps.Redis!.StopAsync();
        await Eventually.TrueAsync(() => !A.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);

        // Pages render (the cache falls back to the database), and signing in still works.
        using (var page = await client.GetAsync("/client"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Welcome, Casey", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var admin = await A.SignInAsync(DemoAccounts.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).StatusCode);
        }

        using (var ready = await A.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        await apps.Redis!.StartAsync();
        await Eventually.TrueAsync(() => A.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected
            && B.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        using (var ready = await A.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // A change made through B reaches a browser connected to A again, over the Redis backplane.
        await using var db = await A.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.Include(d => d.User).FirstAsync(d => d.Status == DocumentStatus.Pending);
        await using var clientOnA = await LiveListener.ConnectAsync(A, document.User!.Email!);
        Assert.True((await B.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(document.Id, DocumentStatus.Processing, null, actorIsAdmin: false)).Succeeded);
        var heard = await clientOnA.WaitForAsync<DocumentStatusChanged>(LiveEventNames.Document, c => c.DocumentId == document.Id, TimeSpan.FromSeconds(5));
        Assert.Equal(DocumentStatus.Processing, heard.Status);
    }

    [Fact]
    public async Task Without_Redis_each_instance_still_delivers_its_own_events_and_the_others_catch_up_when_it_returns()
    {
        await using var db = await A.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        // Two documents of one client that can each move on (PENDING → PROCESSING, PROCESSING → COMPLETED).
        var movable = await db.Documents.Include(d => d.User)
            .Where(d => d.Status == DocumentStatus.Pending || d.Status == DocumentStatus.Processing).ToListAsync();
        var pair = movable.GroupBy(d => d.UserId).First(g => g.Count() >= 2).Take(2).ToList();
        var (first, second) = (pair[0], pair[1]);
        static DocumentStatus Next(Document d) => d.Status == DocumentStatus.Pending ? DocumentStatus.Processing : DocumentStatus.Completed;
        await using var clientOnA = await LiveListener.ConnectAsync(A, first.User!.Email!);

        await apps.Redis!.StopAsync();
        await Eventually.TrueAsync(() => !A.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);

        // A change made on A while Redis is away still reaches A's own browser: same-instance delivery does not need Redis.
        Assert.True((await A.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(first.Id, Next(first), null, actorIsAdmin: false)).Succeeded);
        await clientOnA.WaitForAsync<DocumentStatusChanged>(LiveEventNames.Document, c => c.DocumentId == first.Id, TimeSpan.FromSeconds(1));

        // A change made on B meanwhile cannot cross over: it is saved (nothing lost), and A's browser hears nothing yet.
        Assert.True((await B.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(second.Id, Next(second), null, actorIsAdmin: false)).Succeeded);
        await Assert.ThrowsAsync<TimeoutException>(() =>
            clientOnA.WaitForAsync<DocumentStatusChanged>(LiveEventNames.Document, c => c.DocumentId == second.Id, TimeSpan.FromSeconds(1)));

        // Redis returns: A tells its open pages to catch up, and the page's reload shows B's change.
        await apps.Redis!.StartAsync();
        // StackExchange.Redis reconnects with back-off (seconds, longer on a busy machine); the resync follows the reconnect.
        await Eventually.TrueAsync(() => A.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected, TimeSpan.FromSeconds(60));
        await clientOnA.WaitForAsync<object>(LiveEventNames.Resync, _ => true, TimeSpan.FromSeconds(30));
        var view = (await A.Services.GetRequiredService<ClientDocumentService>().ListAsync(first.UserId)).Single(d => d.Id == second.Id);
        Assert.Equal(Next(second), view.Status);
    }

}
