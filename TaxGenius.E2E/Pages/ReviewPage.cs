using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E.Pages;

/// <summary>The preparer's document page at /preparer/documents/{id}.</summary>
public sealed class ReviewPage(IPage page)
{
    public async Task GotoAsync(Guid documentId)
    {
        await page.GotoAsync($"/preparer/documents/{documentId}");
        await page.WaitForInteractiveAsync();
    }

    public ILocator Status => page.GetByTestId("review-status");

    public Task ClaimAsync() => page.GetByTestId("review-claim").ClickAsync();

    public Task CompleteAsync() => page.GetByTestId("review-complete").ClickAsync();

    public async Task RejectAsync(string reason)
    {
        await page.GetByTestId("review-reject").ClickAsync();
        await page.Locator("textarea[data-testid='review-reason'], [data-testid='review-reason'] textarea").First.FillAsync(reason);
        await page.GetByTestId("review-reject-confirm").ClickAsync();
    }

    public ILocator Viewer => page.GetByTestId("review-viewer");
}
