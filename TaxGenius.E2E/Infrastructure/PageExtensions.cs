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

    /// <summary>
    /// Starts watching the tab for an element with data-testid <paramref name="testId"/> whose text contains <paramref name="text"/>:
    /// the tab notes the moment it enters the page (<c>Date.now()</c>, the machine's clock, as the test's own), so a latency read with
    /// <see cref="Arrival.SeenAtAsync"/> is the page's, not Playwright's polling interval or the cost of its round trips. Watching the
    /// same text again forgets its last arrival.
    /// </summary>
    public static async Task<Arrival> WatchForAsync(this IPage page, string testId, string text)
    {
        await page.EvaluateAsync(@"([testId, text]) => {
            window.tgSeen ??= {};
            delete window.tgSeen[text];
            const there = () => [...document.querySelectorAll(`[data-testid='${testId}']`)].some(e => e.textContent.includes(text));
            if (there()) {
                window.tgSeen[text] = Date.now();
                return;
            }
            const observer = new MutationObserver(() => {
                if (there()) {
                    window.tgSeen[text] = Date.now();
                    observer.disconnect();
                }
            });
            observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        }", new object[] { testId, text });
        return new Arrival(page, testId, text);
    }

    /// <summary>A text watched for by <see cref="WatchForAsync"/>.</summary>
    public sealed record Arrival(IPage Page, string TestId, string Text)
    {
        /// <summary>Waits until the text is in the page; returns when it came, in Unix milliseconds.</summary>
        public async Task<long> SeenAtAsync()
        {
            try
            {
                var seen = await Page.WaitForFunctionAsync("text => window.tgSeen && window.tgSeen[text]", Text, new() { Timeout = 15_000 });
                return (long)await seen.JsonValueAsync<double>();
            }
            catch (TimeoutException)
            {
                var shown = await Page.GetByTestId(TestId).AllTextContentsAsync();
                throw new TimeoutException($"\"{Text}\" never came into [data-testid={TestId}] in 15 s; it shows: " + string.Join(" | ", shown));
            }
        }
    }

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
