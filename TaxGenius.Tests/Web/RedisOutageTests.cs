using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>Redis stops in the middle: pages and sign-in go on, readiness says so, and live updates resume when it returns.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly PrivateRedis redis = new();
    private TestDatabase database = default!;
    private TaxGeniusAppFactory a = default!;
    private TaxGeniusAppFactory b = default!;

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        a = await TaxGeniusAppFactory.CreateAsync(extra: settings, sharedDatabase: database);
        a.StartServer();
        b = await TaxGeniusAppFactory.CreateAsync(extra: settings, sharedDatabase: database);
        b.StartServer();
    }

    public async Task DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
        await database.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task The_app_keeps_working_without_Redis_and_live_updates_resume_when_it_returns()
    {
        using var client = await a.SignInAsync(DemoAccounts.Client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);

        await redis.StopAsync();
        await WaitUntilAsync(() => !a.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);

        // Pages render (the cache falls back to the database), and signing in still works.
        using (var page = await client.GetAsync("/client"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Welcome, Casey", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var admin = await a.SignInAsync(DemoAccounts.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).StatusCode);
        }

        using (var ready = await a.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        await redis.StartAsync();
        await WaitUntilAsync(() => a.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected
            && b.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        using (var ready = await a.CreateClient().GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // A change made through B reaches a subscriber on A again, over Redis.
        await using var db = await a.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.FirstAsync(d => d.Status == DocumentStatus.Pending);
        var received = new TaskCompletionSource<DocumentStatusChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = a.Services.GetRequiredService<IDocumentEvents>().Subscribe(document.UserId, change =>
        {
            received.TrySetResult(change);
            return Task.CompletedTask;
        });

        // The subscription is restored asynchronously after the reconnect: publish until it is heard (bounded).
        var status = b.Services.GetRequiredService<DocumentStatusService>();
        Assert.True((await status.ChangeStatusAsync(document.Id, DocumentStatus.Processing, null, actorIsAdmin: false)).Succeeded);
        var events = b.Services.GetRequiredService<IDocumentEvents>();
        for (var i = 0; i < 50 && !received.Task.IsCompleted; i++)
        {
            await Task.WhenAny(received.Task, Task.Delay(200));
            if (!received.Task.IsCompleted)
            {
                await events.PublishAsync(new DocumentStatusChanged(document.Id, document.UserId, DocumentStatus.Processing, null, DateTime.UtcNow));
            }
        }

        var heard = await received.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(document.Id, heard.DocumentId);
    }

    [Fact]
    public async Task Changes_made_while_Redis_was_away_reach_open_pages_when_it_returns()
    {
        await using var db = await a.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.FirstAsync(d => d.Status == DocumentStatus.Pending);
        var documents = a.Services.GetRequiredService<ClientDocumentService>();

        // An open client page on A: it knows the version of what it shows and is told when the live channel comes back.
        var shown = await documents.GetVersionAsync(document.UserId);
        var resynced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var resync = a.Services.GetRequiredService<IDocumentEvents>().SubscribeResync(async () =>
            resynced.TrySetResult(await documents.GetVersionAsync(document.UserId)));

        await redis.StopAsync();
        await WaitUntilAsync(() => !a.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);

        // The preparer's change on B while Redis is away: its event cannot reach A.
        Assert.True((await b.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(document.Id, DocumentStatus.Processing, null, actorIsAdmin: false)).Succeeded);
        Assert.False(resynced.Task.IsCompleted);

        await redis.StartAsync();
        var after = await resynced.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The page's cheap check sees that something changed and reloads: the document shows PROCESSING.
        Assert.NotEqual(shown, after);
        var view = (await documents.ListAsync(document.UserId)).Single(d => d.Id == document.Id);
        Assert.Equal(DocumentStatus.Processing, view.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "The condition was not met within 20 s.");
    }
}
