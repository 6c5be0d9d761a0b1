using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>The app as `dotnet run` starts it on a fresh clone: no connection strings, SQLite in the data folder.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbeddedDefaultTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_embedded_default_creates_its_database_and_the_demo_admin_can_sign_in()
    {
        await using var app = TaxGeniusAppFactory.CreateEmbedded(kestrel: true);
        var page = await browser.NewPageAsync(app.BaseAddress);

        var response = await page.GotoAsync("/");
        Assert.Equal(200, response!.Status);
        Assert.True(File.Exists(Path.Combine(app.DataPath, "taxgenius.db")), "The SQLite database was not created in the data folder.");
        await page.ScreenshotAsync("landing");

        var signIn = new SignInPage(page, app);
        await signIn.OpenAsync();
        await page.ScreenshotAsync("sign-in");
        await signIn.SignInAsync(DemoAccounts.Admin, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/admin");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(new ShellPage(page).Greeting).ToHaveTextAsync("Welcome, Avery");
        // The demo client and Morgan, the demo referrer's client who consented to be named.
        await Assertions.Expect(page.GetByTestId("users-client")).ToHaveTextAsync("2");

        // Without SMTP, e-mail lands in the outbox folder, which admins read in the app.
        await app.Services.GetRequiredService<EmailQueue>().QueueAsync("someone@example.test",
            new DocumentRejectedEmail("Sam", "W-2", "w2.pdf", 2025, "The scan is cut off at the bottom.", "http://localhost/client"));
        await app.WaitForEmailAsync("someone@example.test");
        await page.GetByTestId("admin-link-outbox").ClickAsync();
        await page.WaitForURLAsync("**/admin/outbox");
        await Assertions.Expect(page.GetByTestId("outbox-item").First).ToContainTextAsync("someone@example.test");
        var preview = page.FrameLocator("iframe[title='E-mail preview']");
        await Assertions.Expect(preview.GetByText("The scan is cut off at the bottom.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("admin-outbox");
        await browser.CloseContextsAsync();
    }
}
