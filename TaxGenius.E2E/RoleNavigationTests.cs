using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>Each demo account signs in, lands on its home and sees only its own role's navigation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoleNavigationTests(BrowserFixture browser, SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseContextsAsync();

    [Theory]
    [InlineData(DemoAccounts.Client, "/client", "nav-client", "Welcome, Casey")]
    [InlineData(DemoAccounts.Preparer, "/preparer", "nav-preparer", "Welcome, Parker")]
    [InlineData(DemoAccounts.Referrer, "/referrer", "nav-referrer", "Welcome, Riley")]
    [InlineData(DemoAccounts.Admin, "/admin", "nav-admin", "Welcome, Avery")]
    public async Task The_demo_account_sees_only_its_roles_navigation(string email, string home, string navId, string greeting)
    {
        var page = await browser.NewPageAsync(shared.App.BaseAddress);
        var signIn = new SignInPage(page, shared.App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(email, TaxGeniusAppFactory.DemoPassword);

        await page.WaitForURLAsync("**" + home);
        await page.WaitForInteractiveAsync();
        var shell = new ShellPage(page);
        await Assertions.Expect(shell.Greeting).ToHaveTextAsync(greeting);
        // The role's own links only (the client's section also has its profile).
        Assert.All(await shell.RoleLinksAsync(), id => Assert.StartsWith(navId, id, StringComparison.Ordinal));
        Assert.Contains(navId, await shell.RoleLinksAsync());
        await page.ScreenshotAsync("home" + home.Replace('/', '-'));

        // Another role's page shows the refusal, not the content.
        var other = home == "/admin" ? "/client" : "/admin";
        await page.GotoAsync(other);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This page is not part of your workspace" })).ToBeVisibleAsync();

        // Signing out returns to the public landing page.
        await page.GotoAsync(home);
        await page.WaitForInteractiveAsync();
        await shell.SignOutAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.GetByTestId("cta-register")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Anonymous_visits_to_role_pages_are_sent_to_sign_in()
    {
        var page = await browser.NewPageAsync(shared.App.BaseAddress);
        foreach (var path in new[] { "/client", "/preparer", "/referrer", "/admin" })
        {
            await page.GotoAsync(path);
            await page.WaitForURLAsync("**/Account/Login?**");
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), page.Url, StringComparison.OrdinalIgnoreCase);
        }
    }
}
