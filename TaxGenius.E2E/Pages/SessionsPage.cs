namespace TaxGenius.E2E.Pages;

/// <summary>Account settings → Sessions (/Account/Manage/Sessions): where the user is signed in, a static form.</summary>
public sealed class SessionsPage(IPage page)
{
    /// <summary>From the app's user menu: Account settings, then the Sessions tab.</summary>
    public async Task OpenFromUserMenuAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Account menu" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Account settings" }).ClickAsync();
        await page.WaitForURLAsync("**/Account/Manage");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sessions", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/Account/Manage/Sessions");
    }

    public ILocator Sessions => page.GetByTestId("session");

    public ILocator Current => page.Locator("[data-testid='session'][data-current='true']");

    public ILocator Others => page.Locator("[data-testid='session'][data-current='false']");

    public ILocator Status => page.Locator("[role='alert']");

    /// <summary>Signs out the other session listed at <paramref name="index"/>.</summary>
    public Task SignOutOtherAsync(int index = 0) => Others.Nth(index).GetByTestId("session-sign-out").ClickAsync();

    public Task SignOutAllOthersAsync() => page.GetByTestId("sessions-sign-out-others").ClickAsync();
}
