namespace TaxGenius.E2E.Infrastructure;

/// <summary>
/// One Chromium for the whole run (Debian's, named by TAXGENIUS_CHROMIUM; Playwright downloads nothing).
/// Each test opens its own context, so cookies and storage never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    public static string ScreenshotFolder { get; } =
        Environment.GetEnvironmentVariable("TAXGENIUS_SCREENSHOTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("TAXGENIUS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium not found at {executable}. Run the tests with scripts/test.sh, which installs it.");
        }

        playwright = await Playwright.CreateAsync();
        this.executable = executable;
        Browser = await LaunchAsync();
        Directory.CreateDirectory(ScreenshotFolder);
    }

    private string executable = "";

    /// <summary>
    /// A second Chromium whose own scheme is dark, as on a phone or computer set to dark mode (the caller disposes it). Pages of
    /// <see cref="NewPageAsync"/> only emulate a scheme for the page's CSS and scripts; the browser itself, and so the scheme it
    /// sends the server as a client hint, stays light.
    /// </summary>
    public Task<IBrowser> LaunchDarkSystemAsync() => LaunchAsync("--force-dark-mode");

    private Task<IBrowser> LaunchAsync(params string[] extraArgs) => playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = executable,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            // Passkey journeys use http://localhost (an IP address is not a valid WebAuthn relying party); the app listens on IPv4.
            "--host-resolver-rules=MAP localhost 127.0.0.1", .. extraArgs],
    });

    /// <summary>
    /// A page in a new context: desktop-sized unless <paramref name="viewport"/> says otherwise, in the browser's light or dark
    /// scheme, and in the machine's time zone unless <paramref name="timeZone"/> (an IANA id) names another.
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, ColorScheme colorScheme = ColorScheme.Light, ViewportSize? viewport = null,
        string? timeZone = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            ColorScheme = colorScheme,
            TimezoneId = timeZone,
        });
        context.SetDefaultTimeout(15_000);
        lock (contexts)
        {
            contexts.Add(context);
        }

        var page = await context.NewPageAsync();
        // Every page is watched for Content Security Policy refusals: a journey that triggers one fails (AppJourney).
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (cspViolations)
                {
                    cspViolations.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    private readonly List<string> cspViolations = [];

    /// <summary>The Content Security Policy refusals seen in the browser console since the last call, and forgets them.</summary>
    public IReadOnlyList<string> TakeCspViolations()
    {
        lock (cspViolations)
        {
            var seen = cspViolations.ToList();
            cspViolations.Clear();
            return seen;
        }
    }

    /// <summary>
    /// Closes every page opened so far, ending their Blazor circuits; call it before an app under test is disposed,
    /// or its shutdown waits on open WebSockets.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (contexts)
        {
            open = [.. contexts];
            contexts.Clear();
        }

        foreach (var context in open)
        {
            await context.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
