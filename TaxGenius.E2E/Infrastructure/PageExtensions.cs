using Deque.AxeCore.Playwright;

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

    /// <summary>Runs axe-core on the page as it is now and fails, naming <paramref name="what"/>, on any serious or critical violation.</summary>
    public static async Task AssertAxeCleanAsync(this IPage page, string what)
    {
        // A snackbar fading in or out is measured at its half-transparent colours: wait until each is fully shown or gone.
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.mud-snackbar')].every(s => getComputedStyle(s).opacity === '1')", null, new() { Timeout = 15_000 });
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: " + string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(' ', n.Target) + ": " + (n.Any?.FirstOrDefault()?.Message ?? n.Html))))
            .ToList();
        Assert.True(serious.Count == 0, $"{what}: " + string.Join(Environment.NewLine, serious));
    }
}
