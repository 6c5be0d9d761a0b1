using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E.Infrastructure;

/// <summary>
/// A journey against one app instance on a real socket (PostgreSQL, Redis, outbox), with a folder for files to upload.
/// Pages are closed before the app stops, so its shutdown never waits on open circuits.
/// </summary>
public abstract class AppJourney(BrowserFixture browser) : IAsyncLifetime
{
    protected BrowserFixture Browser { get; } = browser;

    protected TaxGeniusAppFactory App { get; private set; } = default!;

    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), $"tg_e2e_{Guid.NewGuid():N}");

    /// <summary>Settings this journey's app starts with, beyond the test defaults.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public virtual async Task InitializeAsync()
    {
        App = await TaxGeniusAppFactory.CreateAsync(kestrel: true, extra: Settings);
        _ = App.BaseAddress;
        Directory.CreateDirectory(Folder);
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.CloseContextsAsync();
        var violations = Browser.TakeCspViolations();
        await App.DisposeAsync();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        // The page policy (script-src 'self', no eval) must hold on every page a journey visits.
        Assert.True(violations.Count == 0, "Content Security Policy refusals: " + string.Join(Environment.NewLine, violations));
    }

    /// <summary>
    /// A new browser context signed in through the real form, on its role's home and interactive (light, desktop-sized and in the
    /// machine's time zone unless told).
    /// </summary>
    protected async Task<IPage> SignedInPageAsync(string email, string landingGlob, string password = TaxGeniusAppFactory.DemoPassword,
        ColorScheme colorScheme = ColorScheme.Light, ViewportSize? viewport = null, string? timeZone = null)
    {
        var page = await Browser.NewPageAsync(App.BaseAddress, colorScheme, viewport, timeZone);
        var signIn = new SignInPage(page, App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(email, password);
        await page.WaitForURLAsync(landingGlob);
        await page.WaitForInteractiveAsync();
        return page;
    }

    /// <summary>Writes <paramref name="content"/> to a file named <paramref name="name"/> in the journey's folder.</summary>
    protected async Task<string> FileAsync(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        await File.WriteAllBytesAsync(path, content);
        return path;
    }
}
