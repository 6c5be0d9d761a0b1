using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Engagements;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>The preparer's season board in Chromium: a card dragged to another column, a card put on hold from its menu.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SeasonBoardJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_preparer_drags_a_return_to_In_preparation_and_puts_it_on_hold_from_the_keyboard_menu()
    {
        var page = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        await page.GetByTestId("nav-preparer-board").ClickAsync();
        await page.WaitForURLAsync("**/preparer/board");
        await page.GetByTestId("board-interactive").WaitForAsync();

        ILocator Column(EngagementStage stage) => page.Locator($"[data-testid='board-column'][data-stage='{stage}']");
        var card = page.GetByTestId("board-card").Filter(new() { HasText = "Casey Client" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.DocumentsRequested));
        await Assertions.Expect(Column(EngagementStage.DocumentsRequested).GetByTestId("board-count")).ToHaveTextAsync("1");
        await page.ScreenshotAsync("preparer-board");

        // Drag and drop onto the In preparation column.
        await card.DragToAsync(Column(EngagementStage.InPreparation).Locator(".mud-drop-zone"));
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("is now In preparation");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.InPreparation));
        await Assertions.Expect(Column(EngagementStage.InPreparation).GetByTestId("board-count")).ToHaveTextAsync("1");
        await Assertions.Expect(Column(EngagementStage.DocumentsRequested).GetByTestId("board-count")).ToHaveTextAsync("0");

        // The keyboard way: the card's menu, "Move to On hold", a reason.
        await card.GetByTestId("board-card-menu").Locator("button").First.ClickAsync();
        await page.GetByTestId("board-move-OnHold").ClickAsync();
        await page.Locator("textarea[data-testid='hold-reason'], [data-testid='hold-reason'] textarea").First.FillAsync("Waiting for the K-1");
        await page.GetByTestId("hold-confirm").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.OnHold));
        await Assertions.Expect(card).ToContainTextAsync("On hold: Waiting for the K-1");

        // On hold is the last of ten columns, off the screen: the stage links above the board count it and bring it into view.
        var onHold = page.Locator($"[data-testid='board-stage-link'][data-stage='{EngagementStage.OnHold}']");
        await Assertions.Expect(onHold).ToHaveTextAsync("On hold 1");
        await Assertions.Expect(card).Not.ToBeInViewportAsync();
        await onHold.ClickAsync();
        await Assertions.Expect(card).ToBeInViewportAsync();
        await page.ScreenshotAsync("preparer-board-on-hold");

        // Recorded with who and when, in order.
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var engagement = await db.Engagements.SingleAsync(e => e.Stage == EngagementStage.OnHold);
        var moves = await db.EngagementStageChanges.Where(c => c.EngagementId == engagement.Id).OrderBy(c => c.At).ToListAsync();
        // The demo's request (seeded), then the two moves made here.
        Assert.Equal([EngagementStage.DocumentsRequested, EngagementStage.InPreparation, EngagementStage.OnHold], moves.Select(m => m.To));
        Assert.All(moves, m => Assert.Equal(DemoAccounts.Preparer, m.ActorEmail));
        Assert.Equal(EngagementStage.InPreparation, engagement.StageBeforeHold);

        // On a phone the board opens as the list (its columns would scroll sideways one at a time); the toggle still brings them.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await page.GetByTestId("board-interactive").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("board-list-table")).ToContainTextAsync("Casey Client");
        await page.ScreenshotAsync("preparer-board-phone");
        await page.GetByTestId("board-view").GetByText("Board", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.OnHold));
        await Assertions.Expect(page.GetByTestId("board-list")).ToHaveCountAsync(0);
    }
}
