using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>
/// PostgreSQL restarted and stopped under a running app (a cluster of the test's own): a restart is absorbed by the retry
/// strategy, an outage answers 503 with Retry-After (a page for browsers, ProblemDetails for the API), and everything works again
/// when the database is back. Abandoned upload temporaries are removed at the next start.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PrivatePostgres postgres = default!;
    private TaxGeniusAppFactory app = default!;

    public async Task InitializeAsync()
    {
        postgres = await PrivatePostgres.StartNewAsync();
        app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = postgres.ConnectionString });
        app.StartServer();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_restart_goes_unnoticed_an_outage_answers_503_and_the_next_request_after_it_works()
    {
        using var client = await app.SignInForApiAsync(DemoAccounts.Client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client/documents")).StatusCode);

        // An operator's restart: every pooled connection fails once with 57P01; the retry strategy opens new ones.
        await postgres.RestartAsync();
        using (var page = await client.GetAsync("/client/documents"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var api = await client.GetAsync("/api/documents"))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        // Down: a friendly page that says what happened and when to try again, never a 500.
        await postgres.StopAsync();
        using (var page = await client.GetAsync("/client"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("15", page.Headers.GetValues("Retry-After").Single());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("briefly unavailable", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", html, StringComparison.Ordinal);
        }

        using (var api = await client.GetAsync("/api/documents"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            var body = await api.Content.ReadAsStringAsync();
            Assert.Contains("could not reach the database", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        }

        // Signing in needs the database: the form answers 503 too (the form itself, which needs nothing, still renders).
        using (var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        using (var signIn = await TaxGeniusAppFactory.PostLoginAsync(anonymous, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        }

        // Back: the same signed-in client carries on (the outage did not sign it out).
        await postgres.StartAsync();
        using (var page = await client.GetAsync("/client/documents"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Uploaded", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_upload_cut_off_by_a_dying_instance_leaves_no_temporary_after_the_next_start()
    {
        // A local folder only: a shared bucket's unfinished uploads are left to the grace rule (another instance may be writing).
        var store = (TaxGenius.Core.Storage.LocalBlobStore)app.Services.GetRequiredService<TaxGenius.Core.Storage.IBlobStore>();

        // What a killed process leaves: a temporary nobody holds open, written a minute ago (well inside the hourly sweep's grace).
        var abandoned = Path.Combine(store.TempFolder, "abandoned-upload.part");
        await File.WriteAllBytesAsync(abandoned, new byte[4096]);

        // An upload in flight on another instance sharing the folder: open, exclusively, by its writer.
        var inFlight = Path.Combine(store.TempFolder, "in-flight-upload.part");
        await using var writer = new FileStream(inFlight, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await writer.WriteAsync(new byte[4096]);

        // The hourly sweep leaves both (too young); a new instance on the same data folder removes only the abandoned one as it starts.
        Assert.Equal(0, (await app.Services.GetRequiredService<DocumentStoreSweeper>().SweepAsync()).Temporaries);
        await using var next = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.ConnectionString,
            ["TaxGenius:DataPath"] = app.DataPath,
        });
        next.StartServer();

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(inFlight));
    }
}
