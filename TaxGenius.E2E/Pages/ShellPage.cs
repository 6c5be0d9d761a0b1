namespace TaxGenius.E2E.Pages;

/// <summary>The interactive shell every role sees: app bar, navigation drawer, user menu.</summary>
public sealed class ShellPage(IPage page)
{
    public ILocator Greeting => page.GetByTestId("greeting");

    public ILocator Navigation => page.GetByTestId("nav");

    /// <summary>The test ids of the role home links present in the navigation (nav-client, nav-admin, …).</summary>
    public async Task<IReadOnlyList<string>> RoleLinksAsync()
    {
        var links = await Navigation.Locator("[data-testid^='nav-']").AllAsync();
        var ids = new List<string>();
        foreach (var link in links)
        {
            ids.Add((await link.GetAttributeAsync("data-testid"))!);
        }

        return ids;
    }

    public async Task SignOutAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Account menu" }).ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
    }
}
