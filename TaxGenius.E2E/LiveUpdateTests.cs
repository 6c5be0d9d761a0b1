using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaxGenius.E2E;

/// <summary>Two instances behind an imaginary load balancer: the client's circuit lives on A, the preparer's change is made on B.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveUpdateTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
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
        await OpenClientHomeAsync(page);
        var documentId = await DocumentInReviewAsync();

        // The page's live hub connection (to A) is open: from here an event raised on B reaches it through the Redis backplane.
        await page.WaitForLiveAsync();

        // Three changes on B: completed, reopened by an administrator, completed again. Each is committed and published on B when the
        // call returns (it also wrote history, audit and the e-mail, whose time on a busy CI machine is not the live update's); from
        // there the tab notes when the page shows it, and the middle of the three is held to the second (LiveLatency).
        var latencies = new List<long>();
        foreach (var (to, byAdmin) in new[] { (DocumentStatus.Completed, false), (DocumentStatus.Processing, true), (DocumentStatus.Completed, false) })
        {
            var arrival = await page.WatchForAsync("last-change-status", DocumentStateMachine.Name(to));
            latencies.Add(await arrival.TimeAsync(() => ChangeOnBAsync(documentId, to, byAdmin)));
        }

        LiveLatency.AssertMiddleWithinGoal(output, "B's status changes on the client's page on A", latencies);
        await Assertions.Expect(page.GetByTestId("last-change-status")).ToHaveTextAsync("COMPLETED");
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("2");
        await page.ScreenshotAsync("client-live-update");
    }

    [Fact]
    public async Task A_page_shown_while_the_live_hub_was_unreachable_catches_up_once_it_connects()
    {
        // The hub cannot be reached (a proxy that does not pass it yet, a server restarting): the page itself works over its circuit.
        var page = await browser.NewPageAsync(A.BaseAddress);
        await page.RouteAsync("**/hubs/live/**", route => route.AbortAsync());
        await OpenClientHomeAsync(page);
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.tgLive === 'disconnected'");

        // Meanwhile the preparer completes a document: no event can reach the tab, so the page still shows one.
        await ChangeOnBAsync(await DocumentInReviewAsync(), DocumentStatus.Completed);
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("1");

        // The hub is reachable again: the tab's next try connects, and the page catches up on what it missed without a reload.
        await page.UnrouteAsync("**/hubs/live/**");
        await page.WaitForLiveAsync();
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("2");
    }

    [Fact]
    public async Task A_change_made_after_the_page_loaded_but_before_its_live_connection_opened_still_shows()
    {
        // A fresh tab: the page is shown over its circuit; its live connection is on its way (held here, as a slow network would).
        var page = await browser.NewPageAsync(A.BaseAddress);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/hubs/live/negotiate**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await OpenClientHomeAsync(page);
        await Assertions.Expect(page.Locator("html[data-tg-live='connecting']")).ToHaveCountAsync(1);

        // The preparer completes a document on B in that moment: the event reaches no connection of the tab.
        await ChangeOnBAsync(await DocumentInReviewAsync(), DocumentStatus.Completed);

        // The connection opens without ever failing: the tab asks whether anything was sent since its page loaded, and catches up.
        release.SetResult();
        await page.WaitForLiveAsync();
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("2");
    }

    /// <summary>The demo client signs in on A and sees her home page, with one document completed.</summary>
    private async Task OpenClientHomeAsync(IPage page)
    {
        var signIn = new SignInPage(page, A);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/client");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("count-completed")).ToContainTextAsync("1");
    }

    /// <summary>A preparer (or, <paramref name="byAdmin"/>, an administrator) moves the document on B; committed and published on return.</summary>
    private async Task ChangeOnBAsync(Guid documentId, DocumentStatus to, bool byAdmin = false)
    {
        var result = await B.Services.GetRequiredService<DocumentStatusService>().ChangeStatusAsync(documentId, to, null, actorIsAdmin: byAdmin);
        Assert.True(result.Succeeded, result.Error);
    }

    /// <summary>The demo client's document that the firm is reviewing (PROCESSING), read on B.</summary>
    private async Task<Guid> DocumentInReviewAsync()
    {
        await using var db = await B.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.Status == DocumentStatus.Processing).Select(d => d.Id).FirstAsync();
    }
}
