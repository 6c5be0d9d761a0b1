using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>An administrator pays the demo referrer's converted commission from /admin/payouts.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PayoutJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task An_admin_marks_the_demo_referrers_commission_paid_and_it_leaves_the_unpaid_list()
    {
        var page = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");

        await page.GetByTestId("admin-link-payouts").ClickAsync();
        await page.WaitForURLAsync("**/admin/payouts");
        await Assertions.Expect(page.GetByTestId("payouts-interactive")).ToBeVisibleAsync();
        var group = page.Locator($"[data-testid='payouts-group'][data-referrer-email='{DemoAccounts.Referrer}']");
        await Assertions.Expect(group.GetByTestId("payouts-group-total")).ToHaveTextAsync("$50.00");

        // MudBlazor 9 puts a field's test id on its input element.
        await group.GetByTestId("payouts-select").CheckAsync();
        await Assertions.Expect(page.GetByTestId("payouts-selected-total")).ToHaveTextAsync("$50.00");
        await page.GetByTestId("payouts-reference").FillAsync("WIRE-E2E-001");
        await Assertions.Expect(page.GetByTestId("payouts-mark-paid")).ToBeEnabledAsync();
        await page.ScreenshotAsync("admin-payouts-selected");
        await page.GetByTestId("payouts-mark-paid").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Mark paid", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Payout recorded: $50.00 for 1 commission.");
        await Assertions.Expect(group).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("payouts-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("payouts-recent")).ToContainTextAsync("WIRE-E2E-001");
        await page.Locator(".mud-snackbar").WaitForAsync();
        await page.ScreenshotAsync("admin-payouts-paid");

        await App.WaitForEmailAsync(DemoAccounts.Referrer, "Your referral commission of $50.00 has been paid");
    }
}
