using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>The demo preparer opens the review queue from the navigation and claims the demo client's PENDING W-2.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewQueueTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task The_preparer_claims_a_pending_document_from_the_queue()
    {
        var page = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");

        await page.GetByTestId("nav-preparer-queue").ClickAsync();
        await page.WaitForURLAsync("**/preparer/queue");
        await page.WaitForInteractiveAsync();

        // The default view: the open documents (the demo W-2 PENDING and 1099 PROCESSING), oldest first; the finished return is not listed.
        var rows = page.GetByTestId("queue-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("queue-grid")).Not.ToContainTextAsync("-return.pdf");
        await Assertions.Expect(page.GetByTestId("queue-count-pending")).ToContainTextAsync("PENDING · 1");
        await Assertions.Expect(page.GetByTestId("queue-prev")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("queue-next")).ToBeDisabledAsync();

        var w2 = page.Locator("tr", new() { Has = page.GetByText("w2-acme-corp.pdf") });
        await Assertions.Expect(w2.GetByTestId("queue-row")).ToHaveAttributeAsync("data-status", "PENDING");
        await Assertions.Expect(w2.GetByTestId("queue-open")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("preparer/documents/[0-9a-f-]{36}$"));
        await page.ScreenshotAsync("preparer-queue");

        await w2.GetByTestId("queue-claim").ClickAsync();

        await Assertions.Expect(w2.GetByTestId("queue-row")).ToHaveAttributeAsync("data-status", "PROCESSING");
        await Assertions.Expect(w2).ToContainTextAsync("Me");
        await Assertions.Expect(w2.GetByTestId("queue-claim")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Claimed w2-acme-corp.pdf");
        await Assertions.Expect(page.GetByTestId("queue-count-processing")).ToContainTextAsync("PROCESSING · 2");

        // "Mine" narrows the queue to what this preparer claimed: the demo 1099 they were already on, and the W-2 just claimed.
        await page.GetByTestId("queue-filter-assignee").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("Me", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid='queue-row'][data-status='PROCESSING']")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("queue-grid")).ToContainTextAsync("w2-acme-corp.pdf");
        await Assertions.Expect(page.GetByTestId("queue-grid")).ToContainTextAsync("1099-int-first-bank.pdf");
        await page.ScreenshotAsync("preparer-queue-claimed");
    }

    [Fact]
    public async Task A_document_that_is_gone_answers_404_and_its_page_still_leads_back_to_the_queue()
    {
        var page = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");

        // An old link (the client deleted the file): the HTTP status says missing, the page says so in its own words and works.
        var response = await page.GotoAsync($"/preparer/documents/{Guid.CreateVersion7()}");
        Assert.Equal(404, response!.Status);
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Document not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("review-not-found")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the queue" }).ClickAsync();
        await page.WaitForURLAsync("**/preparer/queue");
        await Assertions.Expect(page.GetByTestId("queue-grid")).ToBeVisibleAsync();
    }
}
