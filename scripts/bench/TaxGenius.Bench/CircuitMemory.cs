using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace TaxGenius.Bench;

/// <summary>
/// Server memory per idle interactive circuit on /client: the published app in its own process, one demo client signed in
/// once in Chromium, its cookies reused by N browser contexts that each open /client and wait for the interactive marker.
/// The server's managed heap (after a forced full compacting GC, inside the server) and VmRSS are read at 1 circuit and at
/// N circuits; the slope between the two is the cost of one circuit.
/// </summary>
internal static class CircuitMemory
{
    private const string Marker = "#tg-interactive[data-interactive='true']";

    /// <summary>
    /// Both ways in one run, side by side: each tab without its live hub connection (live.js blocked in the browser, so only the
    /// circuit is open: the figure before issue 17) and then with it (circuit + hub connection: what a tab costs now).
    /// </summary>
    public static async Task<int> CompareHubAsync(int count, int idleSeconds)
    {
        Console.WriteLine("== Without the live hub connection (live.js blocked) ==");
        var without = await RunAsync(count, idleSeconds, hub: false);
        Console.WriteLine();
        Console.WriteLine("== With the live hub connection (every tab: circuit + /hubs/live) ==");
        var with = await RunAsync(count, idleSeconds, hub: true);
        return without == 0 && with == 0 ? 0 : 1;
    }

    /// <summary>Each role's busiest idle page, one after the other in one run, every tab with its live hub connection.</summary>
    public static async Task<int> PagesAsync(int count, string? only = null)
    {
        var failed = 0;
        foreach (var (account, path) in new[] { (BenchServer.Client, "/client"), (Core.Demo.DemoAccounts.Preparer, "/preparer/board"), (Core.Demo.DemoAccounts.Admin, "/admin") }
            .Where(p => only is null || p.Item2 == only))
        {
            Console.WriteLine();
            Console.WriteLine($"== {path} as {account} (circuit + /hubs/live) ==");
            failed += await RunAsync(count, 0, hub: true, account, path);
        }

        return failed == 0 ? 0 : 1;
    }

    public static async Task<int> RunAsync(int count, int idleSeconds, bool hub = true, string account = BenchServer.Client, string path = "/client")
    {
        var dataPath = Path.Combine(BenchServer.WorkDir, "data-circuits");
        await using var server = await ServerProcess.StartAsync(BenchServer.Settings(dataPath));
        var baseUrl = server.BaseAddress.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TAXGENIUS_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });

        // Sign in once through the real form; every later context starts from this storage state (the auth cookie).
        string storageState;
        await using (var signIn = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl }))
        {
            var page = await signIn.NewPageAsync();
            await page.GotoAsync("/Account/Login");
            await page.GetByLabel("E-mail").FillAsync(account);
            await page.GetByLabel("Password").FillAsync(BenchServer.DemoPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase)
                || !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 90_000, WaitUntil = WaitUntilState.Commit });
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            if (page.Url.Contains("/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase))
            {
                // The demo accounts have the benchmark's authenticator key; a code is accepted once per 30-s step and account.
                await page.GetByLabel("Authenticator code").FillAsync(Core.Identity.Totp.Code(BenchServer.TotpSecret, DateTimeOffset.UtcNow));
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            }

            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 90_000 });
            storageState = await signIn.StorageStateAsync();
            await LeaveAsync(page);
        }

        // Warm-up: one page opened and closed, so JIT, Razor and EF first-use costs are not charged to the first circuit.
        var contexts = new List<IBrowserContext>();
        var pages = new List<IPage>();
        await using (var warm = await NewContextAsync(browser, baseUrl, storageState))
        {
            var page = await warm.NewPageAsync();
            await OpenPageAsync(page, hub, path);
            await LeaveAsync(page);
        }

        // The sign-in and warm-up circuits must be gone before the first measurement.
        await WaitForGaugeAsync(server, "aspnetcore.components.circuit.active", 0);
        var times = new List<double>();
        async Task OpenAsync()
        {
            var context = await NewContextAsync(browser, baseUrl, storageState);
            if (!hub)
            {
                await context.RouteAsync("**/js/live.js", route => route.AbortAsync());
            }

            contexts.Add(context);
            var page = await context.NewPageAsync();
            pages.Add(page);
            times.Add(await OpenPageAsync(page, hub, path));
        }

        try
        {
            await OpenAsync();
            var one = await MeasureAsync(server, pages, 1);
            var dumpOne = await HeapDump.TakeAsync(server.ProcessId, $"{path.Trim('/').Replace('/', '-')}-1");
            for (var i = 1; i < count; i++)
            {
                await OpenAsync();
                if ((i + 1) % 25 == 0)
                {
                    Console.WriteLine($"  {i + 1} circuits open");
                }
            }

            var many = await MeasureAsync(server, pages, count);
            var dumpMany = await HeapDump.TakeAsync(server.ProcessId, $"{path.Trim('/').Replace('/', '-')}-{count}");
            HeapDump.Compare(dumpOne, dumpMany, count - 1);
            Snapshot? idle = null;
            if (idleSeconds > 0)
            {
                // Kestrel closes idle keep-alive connections after 130 s: measured again after that, only the circuits remain.
                Console.WriteLine($"  waiting {idleSeconds} s for idle keep-alive connections to close");
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
                idle = await MeasureAsync(server, pages, count);
            }

            times.Sort();
            Report(count, one, many, idle, times, path);
            return many.LivePages == count && many.Circuits == count ? 0 : 1;
        }
        finally
        {
            foreach (var page in pages)
            {
                await LeaveAsync(page);
            }

            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }

            await WaitForGaugeAsync(server, "aspnetcore.components.circuit.active", 0);
        }
    }

    /// <summary>
    /// Leaves the page as a person closing the tab would: blazor.web.js tells the server on pagehide, which ends the circuit at
    /// once. (Closing the browser context without that only drops the connection, and the server keeps the circuit for its
    /// disconnected-circuit retention period, 3 minutes by default.)
    /// </summary>
    private static async Task LeaveAsync(IPage page)
    {
        try
        {
            await page.GotoAsync("about:blank");
        }
        catch (PlaywrightException)
        {
        }
    }

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, string baseUrl, string storageState)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(60_000);
        return context;
    }

    /// <summary>
    /// Opens /client and waits for the interactive marker (and, with the hub, for its connection); answers the time from navigation to
    /// interactive, in ms.
    /// </summary>
    private static async Task<double> OpenPageAsync(IPage page, bool hub, string path)
    {
        var clock = Stopwatch.StartNew();
        var response = await page.GotoAsync(path);
        if (response is null || !response.Ok || !page.Url.EndsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} answered {response?.Status} at {page.Url}: is the account signed in?");
        }

        await page.Locator(Marker).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var interactive = clock.Elapsed.TotalMilliseconds;
        if (hub)
        {
            await page.WaitForFunctionAsync("() => document.documentElement.dataset.tgLive === 'connected'");
        }

        return interactive;
    }

    private sealed record Snapshot(int Circuits, int LivePages, long Heap, long Rss, long RssOutside, JsonElement Raw);

    /// <summary>Lets the server settle, checks that every circuit is live (pages and server agree), then GCs and measures.</summary>
    private static async Task<Snapshot> MeasureAsync(ServerProcess server, List<IPage> pages, int expected)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var live = 0;
        foreach (var page in pages)
        {
            live += await page.Locator(Marker).CountAsync();
        }

        await server.Probe.CollectAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var snapshot = await server.Probe.CollectAsync();
        var circuits = (int)snapshot.Gauge("aspnetcore.components.circuit.active");
        var rssOutside = server.ReadRss();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {expected,3} pages: interactive markers {live}, server circuits {circuits} (connected {snapshot.Gauge("aspnetcore.components.circuit.connected")}), SignalR connections {snapshot.Gauge("signalr.server.active_connections")}, " +
            $"Kestrel connections {snapshot.Gauge("kestrel.active_connections")}; heap {BenchServer.Mb(snapshot.Long("heap"))}, VmRSS {BenchServer.Mb(rssOutside)}"));
        if (live != expected || circuits != expected)
        {
            Console.WriteLine($"  WARNING: expected {expected} live circuits");
        }

        return new Snapshot(circuits, live, snapshot.Long("heap"), snapshot.Long("rss"), rssOutside, snapshot);
    }

    private static async Task WaitForGaugeAsync(ServerProcess server, string gauge, long value)
    {
        long current = -1;
        for (var i = 0; i < 300; i++)
        {
            current = (await server.Probe.AskAsync("stats")).Gauge(gauge);
            if (current == value || current == -1)
            {
                return;
            }

            await Task.Delay(100);
        }

        Console.WriteLine($"  WARNING: {gauge} is still {current} after 30 s (expected {value})");
    }

    private static void Report(int count, Snapshot one, Snapshot many, Snapshot? idle, List<double> times, string path)
    {
        var n = count - 1;
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        var lines = new List<string>
        {
            "",
            $"Idle interactive circuits on {path} (published app, own process, Server GC {one.Raw.GetProperty("serverGc")} with {one.Raw.GetProperty("heapCount")} heaps, {Environment.ProcessorCount} cores)",
            $"                                  1 circuit   {count} circuits   per circuit (slope)",
            $"  managed heap after full GC     {BenchServer.Mb(one.Heap),9}   {BenchServer.Mb(many.Heap),11}   {BenchServer.Kb((many.Heap - one.Heap) / (double)n),8}",
            $"  VmRSS                          {BenchServer.Mb(one.RssOutside),9}   {BenchServer.Mb(many.RssOutside),11}   {BenchServer.Kb((many.RssOutside - one.RssOutside) / (double)n),8}",
        };
        if (idle is not null)
        {
            lines.Add($"  after keep-alive idle: heap    {BenchServer.Mb(one.Heap),9}   {BenchServer.Mb(idle.Heap),11}   {BenchServer.Kb((idle.Heap - one.Heap) / (double)n),8}");
            lines.Add($"  after keep-alive idle: VmRSS   {BenchServer.Mb(one.RssOutside),9}   {BenchServer.Mb(idle.RssOutside),11}   {BenchServer.Kb((idle.RssOutside - one.RssOutside) / (double)n),8}");
            lines.Add($"  live after idle: markers {idle.LivePages}, server circuits {idle.Circuits}, Kestrel connections {idle.Raw.Gauge("kestrel.active_connections")}");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  time to interactive (navigation to marker): median {median:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms over {times.Count} pages"));
        lines.Add($"  live at N: interactive markers {many.LivePages}/{count}, server circuits (aspnetcore.components.circuit.active) {many.Circuits}");
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }
}
