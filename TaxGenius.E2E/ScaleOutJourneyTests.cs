using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// Two replicas behind nginx (deploy/nginx/taxgenius.conf.template, run by Debian's nginx), sharing PostgreSQL, Redis and the
/// S3 bucket, as docker-compose.yml runs them: a client on one replica uploads, a preparer on the other opens the PDF inline
/// and completes it, the client sees it live; then the client's replica dies and the client lands on the survivor, still signed in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScaleOutJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TestStore files = TestStore.Create(StoreKind.S3);
    private TwoInstances apps = default!;
    private NginxProxy proxy = default!;

    public async Task InitializeAsync()
    {
        var settings = files.AppSettings();
        settings["ReverseProxy:KnownProxies:0"] = "127.0.0.1";
        apps = await TwoInstances.StartAsync(kestrel: true, settings: settings);
        proxy = await NginxProxy.StartAsync([apps.A.BaseAddress, apps.B.BaseAddress], 50L * 1024 * 1024);
    }

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        await proxy.DisposeAsync();
        await apps.DisposeAsync();
        await files.DisposeAsync();
    }

    [Fact]
    public async Task A_client_on_one_replica_uploads_a_preparer_on_the_other_completes_it_live_and_the_client_survives_its_replica_dying()
    {
        var (a, b) = (apps.A, apps.B);
        var toA = await proxy.RouteToAsync(a.BaseAddress.Port);
        var toB = await proxy.RouteToAsync(b.BaseAddress.Port);

        // The client's browser is routed to replica A, the preparer's to replica B (their routing cookies say so).
        var clientPage = await PageRoutedAsync(toA);
        var signIn = new SignInPage(clientPage, a);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
        await clientPage.WaitForURLAsync("**/client");
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        var folder = Directory.CreateTempSubdirectory("tg-scale-").FullName;
        var pdf = Path.Combine(folder, "w2-two-replicas.pdf");
        await File.WriteAllBytesAsync(pdf, SampleFiles.Pdf("W-2 uploaded through replica A"));
        await documents.ChooseFilesAsync(pdf);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-two-replicas.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var documentId = Guid.Parse((await documents.Row("w2-two-replicas.pdf").GetAttributeAsync("data-document-id"))!);
        Assert.Equal(a.BaseAddress.Port, await proxy.UpstreamOfAsync(toA));

        // The file is in the bucket, not in A's data folder: B reads it from there.
        var preparerPage = await PageRoutedAsync(toB);
        var preparerSignIn = new SignInPage(preparerPage, b);
        await preparerSignIn.OpenAsync();
        await preparerSignIn.SignInAsync(DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        await preparerPage.WaitForURLAsync("**/preparer");
        var review = new ReviewPage(preparerPage);
        var content = preparerPage.WaitForResponseAsync(r => r.Url.Contains($"/api/staff/documents/{documentId}/content", StringComparison.Ordinal));
        await review.GotoAsync(documentId);
        var response = await content;
        Assert.Equal(200, response.Status);
        Assert.StartsWith("inline", response.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.Equal("application/pdf", response.Headers["content-type"]);
        await Assertions.Expect(review.Viewer).ToBeVisibleAsync();
        Assert.Equal(b.BaseAddress.Port, await proxy.UpstreamOfAsync(toB));
        await review.ClaimAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("PROCESSING");
        await review.CompleteAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("COMPLETED");

        // Made on B, seen live on the client's page on A (the live hub's Redis backplane).
        await Assertions.Expect(documents.Row("w2-two-replicas.pdf")).ToHaveAttributeAsync("data-status", "COMPLETED", new() { Timeout = 5000 });
        await clientPage.ScreenshotAsync("scale-out-client-completed");
        var objects = (await files.KeysAsync()).Count;
        int rows, emails;
        await using (var db = await b.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            rows = await db.Documents.CountAsync();
            emails = await db.QueuedEmails.CountAsync();
        }

        // Replica A dies under the client's open page. The preparer on B carries on; the client's page reconnects through
        // nginx to B, which does not know the circuit, so the page reloads there: a fresh circuit, still signed in.
        await a.DisposeAsync();
        await preparerPage.GotoAsync("/preparer");
        await preparerPage.WaitForInteractiveAsync();
        await Assertions.Expect(preparerPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/preparer$"));

        await Assertions.Expect(documents.Row("w2-two-replicas.pdf")).ToHaveAttributeAsync("data-status", "COMPLETED", new() { Timeout = 30_000 });
        await clientPage.WaitForURLAsync("**/client/documents");
        await clientPage.WaitForInteractiveAsync();
        Assert.Equal(b.BaseAddress.Port, await proxy.UpstreamOfAsync(toA));
        await Assertions.Expect(clientPage.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
        await Assertions.Expect(clientPage.GetByTestId("choose-files")).ToBeEnabledAsync();
        await clientPage.ScreenshotAsync("scale-out-client-on-survivor");

        // Nothing was lost on the way: the same rows, objects and queued e-mails, and the document still opens from the survivor.
        Assert.Equal(objects, (await files.KeysAsync()).Count);
        await using (var db = await b.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(rows, await db.Documents.CountAsync());
            Assert.Equal(emails, await db.QueuedEmails.CountAsync());
        }

        var again = clientPage.WaitForResponseAsync(r => r.Url.Contains($"/api/documents/{documentId}/content", StringComparison.Ordinal));
        await clientPage.EvaluateAsync($"id => fetch('/api/documents/' + id + '/content')", documentId.ToString());
        Assert.Equal(200, (await again).Status);
        Directory.Delete(folder, recursive: true);
    }

    private async Task<IPage> PageRoutedAsync(string route)
    {
        var page = await browser.NewPageAsync(proxy.Address);
        await page.Context.AddCookiesAsync([new Cookie { Name = "tg_replica", Value = route, Url = proxy.Address.ToString().TrimEnd('/') }]);
        return page;
    }
}
