using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>Two instances behind an imaginary load balancer: the client's circuit lives on A, the preparer's change is made on B.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveUpdateTests(BrowserFixture browser) : IAsyncLifetime
{
    private TwoInstances apps = default!;

    private TaxGeniusAppFactory A => apps.A;

    private TaxGeniusAppFactory B => apps.B;

    public async Task InitializeAsync() => apps = await TwoInstances.StartAsync(kestrel: true);

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        await apps.DisposeAsync();
    }

    [Fact]
    public async Task A_status_change_made_on_instance_B_appears_on_the_clients_page_on_instance_A_within_a_second()
    {
        var page = await browser.NewPageAsync(A.BaseAddress);
        var signIn = new SignInPage(page, A);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/client");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("1");

        Guid documentId;
        await using (var db = await B.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            documentId = await db.Documents.Where(d => d.Status == DocumentStatus.Processing).Select(d => d.Id).FirstAsync();
        }

        // The page's live hub connection (to A) is open: from here an event raised on B reaches it through the Redis backplane.
        await page.WaitForLiveAsync();
        var result = await B.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(documentId, DocumentStatus.Completed, null, actorIsAdmin: false);
        Assert.True(result.Succeeded, result.Error);

        // The change is committed and published on B when the call returns (it also wrote history, audit and the e-mail, whose
        // time on a busy CI machine is not the live update's): from there, the page on A must show it within the second.
        await Assertions.Expect(page.GetByTestId("last-change-status")).ToHaveTextAsync("COMPLETED", new() { Timeout = 1000 });
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("2");
        await page.ScreenshotAsync("client-live-update");
    }
}
