namespace TaxGenius.E2E.Infrastructure;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is interactive: a click on the prerendered page would be lost.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#tg-interactive[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits until the tab's live hub connection (wwwroot/js/live.js) is open: only then does an event raised elsewhere reach the page.
    /// </summary>
    public static Task WaitForLiveAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => document.documentElement.dataset.tgLive === 'connected'", null, new() { Timeout = 15000 });

    /// <summary>Saves a full-page screenshot under the screenshots folder (for a person to look at the page).</summary>
    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png"), FullPage = true });

    public static string PathOf(this IPage page) => new Uri(page.Url).AbsolutePath;
}
