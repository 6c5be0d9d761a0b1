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

        // The public address, signed in: one way back to the workspace, none of the visitor's pitch.
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("go-home")).ToHaveTextAsync("Open my workspace");
        await Assertions.Expect(page.GetByTestId("go-home")).ToHaveAttributeAsync("href", home);
        await Assertions.Expect(page.GetByText("Upload from anywhere")).ToHaveCountAsync(0);

        // Signing out returns to the public landing page.
        await page.GotoAsync(home);
        await page.WaitForInteractiveAsync();
        await shell.SignOutAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.GetByTestId("cta-register")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Upload from anywhere")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_theme_chosen_in_the_app_bar_opens_the_next_visit_and_the_account_pages()
    {
        // A light browser: the app follows it until the person chooses.
        var page = await browser.NewPageAsync(shared.App.BaseAddress, ColorScheme.Light);
        var signIn = new SignInPage(page, shared.App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Referrer, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/referrer");
        await page.WaitForInteractiveAsync();
        await ExpectPageBackgroundAsync(page, Light);

        // Dark, chosen: kept in the tg-theme cookie, so a reload opens dark (from its first paint, before the page is interactive).
        await page.GetByTestId("theme-toggle").ClickAsync();
        await ExpectPageBackgroundAsync(page, Dark);
        await WaitForCookieAsync(page, "tg-theme=dark");
        Assert.Contains(await page.Context.CookiesAsync(), c => c is { Name: "tg-theme", Value: "dark", Path: "/", SameSite: SameSiteAttribute.Lax });
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await ExpectPageBackgroundAsync(page, Dark);
        await page.WaitForInteractiveAsync();
        await ExpectPageBackgroundAsync(page, Dark);

        // The account pages (static forms, no circuit) follow the choice too, though the browser is light.
        await page.GotoAsync("/Account/Manage");
        Assert.Equal("dark", await ShellSchemeAsync(page));
        await Assertions.Expect(page.GetByTestId("account-theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        await page.ScreenshotAsync("account-manage-chosen-dark");

        // Back to light: remembered the same way.
        await page.GotoAsync("/referrer");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("theme-toggle").ClickAsync();
        await ExpectPageBackgroundAsync(page, Light);
        await WaitForCookieAsync(page, "tg-theme=light");
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await ExpectPageBackgroundAsync(page, Light);
        await page.GotoAsync("/Account/Manage");
        Assert.Equal("light", await ShellSchemeAsync(page));
        await Assertions.Expect(page.GetByTestId("account-theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
    }

    [Fact]
    public async Task A_visitor_chooses_dark_on_the_sign_in_page_and_the_workspace_opens_dark()
    {
        var page = await browser.NewPageAsync(shared.App.BaseAddress, ColorScheme.Light);
        var signIn = new SignInPage(page, shared.App);
        await signIn.OpenAsync();
        var toggle = page.GetByTestId("account-theme-toggle");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
        Assert.Equal("light dark", await ShellSchemeAsync(page)); // nothing chosen: the browser's, light here
        Assert.Equal("rgb(255, 255, 255)", await CardBackgroundAsync(page));

        // The static page turns at once and remembers it.
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        Assert.Equal("dark", await ShellSchemeAsync(page));
        Assert.Equal("rgb(17, 24, 39)", await CardBackgroundAsync(page));
        Assert.Contains(await page.Context.CookiesAsync(), c => c is { Name: "tg-theme", Value: "dark" });
        await page.ScreenshotAsync("sign-in-chosen-dark");

        // Signed in, the workspace is dark from its first paint.
        await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/client");
        await ExpectPageBackgroundAsync(page, Dark);
    }

    [Fact]
    public async Task A_dark_browser_sees_its_next_page_dark_from_the_first_paint_without_choosing()
    {
        // Nothing chosen, a dark browser: the sign-in page (or, without it, the first workspace page once interactive) notes the
        // browser's scheme for the pages after it.
        var page = await browser.NewPageAsync(shared.App.BaseAddress, ColorScheme.Dark);
        var signIn = new SignInPage(page, shared.App);
        await signIn.OpenAsync();
        await WaitForCookieAsync(page, "tg-scheme=dark");
        await signIn.SignInAsync(DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/preparer");
        await page.WaitForInteractiveAsync();
        await ExpectPageBackgroundAsync(page, Dark);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "tg-theme"); // not a choice

        // The next page as the server painted it: dark, not a light page turning dark.
        Assert.Equal(Dark, await FirstPaintBackgroundAsync(page));

        // The browser turns light: the page follows it once interactive, and so does the next first paint.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await ExpectPageBackgroundAsync(page, Light);
        await WaitForCookieAsync(page, "tg-scheme=light");
        Assert.Equal(Light, await FirstPaintBackgroundAsync(page));
    }

    [Fact]
    public async Task A_dark_browser_s_very_first_page_is_painted_dark_before_any_script_of_ours_ran()
    {
        // A browser set to dark (not a page emulating it), with no cookie of ours, and Blazor's script refused: only the scheme the
        // browser sends as a client hint can tell the server. Chromium asks for the first page again with it (Critical-CH).
        await using var darkBrowser = await browser.LaunchDarkSystemAsync();
        var context = await darkBrowser.NewContextAsync(new() { BaseURL = shared.App.BaseAddress.ToString().TrimEnd('/'), ColorScheme = ColorScheme.Null });
        var page = await context.NewPageAsync();
        var hints = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
            {
                hints.Add(request.Headers.GetValueOrDefault("sec-ch-prefers-color-scheme"));
            }
        };

        Assert.Equal(Dark, await FirstPaintBackgroundAsync(page, "/"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name is "tg-scheme" or "tg-theme");
        Assert.Equal([null, "dark"], hints.Select(h => h?.Trim('"')));

        // Its next visit sends the hint at once, no second request.
        hints.Clear();
        Assert.Equal(Dark, await FirstPaintBackgroundAsync(page, "/"));
        Assert.Equal(["dark"], hints.Select(h => h?.Trim('"')));
        await context.CloseAsync();
    }

    /// <summary>
    /// The page's background as the server painted it: reloaded (or opened at <paramref name="path"/>) with Blazor's script refused,
    /// so it never becomes interactive.
    /// </summary>
    private static async Task<string> FirstPaintBackgroundAsync(IPage page, string? path = null)
    {
        const string blazor = "**/_framework/blazor.web*.js";
        await page.RouteAsync(blazor, route => route.AbortAsync());
        if (path is null)
        {
            await page.ReloadAsync();
        }
        else
        {
            await page.GotoAsync(path);
        }

        var color = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await page.UnrouteAsync(blazor);
        return color;
    }

    /// <summary>Waits until the page's script sees the cookie <paramref name="pair"/> ("name=value").</summary>
    private static Task WaitForCookieAsync(IPage page, string pair) =>
        page.WaitForFunctionAsync("p => document.cookie.split('; ').includes(p)", pair);

    private static Task<string> CardBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.tg-account-card')).backgroundColor");

    private static Task<string> ShellSchemeAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.tg-account-shell')).colorScheme");

    // The page background of TaxGeniusTheme's light and dark palettes, as the browser computes it.
    private const string Light = "rgb(245, 247, 251)";
    private const string Dark = "rgb(11, 17, 32)";

    private static Task ExpectPageBackgroundAsync(IPage page, string color) =>
        page.WaitForFunctionAsync("c => getComputedStyle(document.body).backgroundColor === c", color, new() { Timeout = 10_000 });

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
