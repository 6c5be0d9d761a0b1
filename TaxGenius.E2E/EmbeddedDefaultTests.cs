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
    public async Task The_embedded_default_creates_its_database_and_the_demo_firm_and_each_role_lands_on_believable_work()
    {
        // Demo:Firm as `dotnet run` leaves it (the test base turns the firm off; null restores the app's default: on for SQLite).
        await using var app = TaxGeniusAppFactory.CreateEmbedded(kestrel: true, extra: new Dictionary<string, string?> { ["Demo:Firm"] = null });
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
        // The demo client, Morgan (the demo referrer's client who consented to be named) and the demo firm's 58.
        await Assertions.Expect(page.GetByTestId("users-client")).ToHaveTextAsync("60");
        await page.ScreenshotAsync("demo-firm-admin-home");

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

        // Every demo account lands on a page full of the firm's work.
        foreach (var (email, home, busy) in new[]
        {
            (DemoAccounts.Preparer, "preparer", "Documents in the firm"),
            (DemoAccounts.Referrer, "referrer", "Your referrals"),
            (DemoAccounts.Client, "client", "Welcome, Casey"),
        })
        {
            var rolePage = await browser.NewPageAsync(app.BaseAddress);
            var roleSignIn = new SignInPage(rolePage, app);
            await roleSignIn.OpenAsync();
            await roleSignIn.SignInAsync(email, TaxGeniusAppFactory.DemoPassword);
            await rolePage.WaitForURLAsync($"**/{home}");
            await rolePage.WaitForInteractiveAsync();
            await Assertions.Expect(rolePage.GetByText(busy).First).ToBeVisibleAsync();
            await rolePage.ScreenshotAsync($"demo-firm-{home}-home");
        }

        var board = await browser.NewPageAsync(app.BaseAddress);
        var boardSignIn = new SignInPage(board, app);
        await boardSignIn.OpenAsync();
        await boardSignIn.SignInAsync(DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        await board.WaitForURLAsync("**/preparer");
        await board.GotoAsync("/preparer/board");
        await board.WaitForInteractiveAsync();
        await Assertions.Expect(board.GetByText("Olivia Garcia").First).ToBeVisibleAsync();
        await board.ScreenshotAsync("demo-firm-preparer-board");
        await browser.CloseContextsAsync();
    }
}
