using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E.Pages;

/// <summary>The referrer's dashboard at /referrer: link and QR code, numbers, invite form, referrals table.</summary>
public sealed class ReferrerDashboardPage(IPage page)
{
    public async Task ReloadAsync()
    {
        await page.GotoAsync("/referrer");
        await page.WaitForInteractiveAsync();
    }

    public ILocator Conversions => page.GetByTestId("stat-conversions");

    public ILocator Converted => page.GetByTestId("commission-converted");

    public ILocator InviteResult => page.GetByTestId("invite-result");

    public async Task InviteAsync(string email)
    {
        await page.Locator("input[data-testid='invite-email'], [data-testid='invite-email'] input").First.FillAsync(email);
        await page.GetByTestId("invite-send").ClickAsync();
    }

    /// <summary>The row's marker for a referral shown as <paramref name="person"/> at <paramref name="stage"/>.</summary>
    public ILocator Row(string person, string stage) =>
        page.Locator($"[data-testid='referral-row'][data-stage='{stage}']", new() { HasText = person });
}
