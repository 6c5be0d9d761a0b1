using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// The compliance centre in a browser: a client asks to close their account from Account settings; an administrator sees the
/// proposal at /admin/compliance, approves the disposal, and downloads its certificate; the audit chain verifies; an access report
/// for the demo preparer runs; the pages pass axe.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ComplianceJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_client_asks_for_closure_and_an_admin_approves_the_disposal_and_downloads_the_certificate()
    {
        const string email = "dora.disposal@example.test";
        const string password = "a long enough password";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<AccountRegistrationService>().RegisterClientAsync(email, password, "Dora", "Disposal", null);
            Assert.True(outcome.Succeeded);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByEmailAsync(email);
            user!.EmailConfirmed = true;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }

        // The client asks from Account settings → Close account; confirming is required.
        var client = await SignedInPageAsync(email, "**/client", password);
        await client.GotoAsync("Account/Manage/Close");
        await client.GetByTestId("closure-request").ClickAsync();
        await Assertions.Expect(client.GetByTestId("closure-error")).ToContainTextAsync("Tick the box");
        await client.GetByLabel("I understand that my documents and information will be deleted for good.").CheckAsync();
        await client.GetByTestId("closure-request").ClickAsync();
        await Assertions.Expect(client.GetByTestId("closure-pending")).ToBeVisibleAsync();
        await client.ScreenshotAsync("client-close-account");
        await client.AssertAxeCleanAsync("close account page");

        // The administrator reviews it on the compliance page.
        var admin = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        await admin.GetByTestId("admin-link-compliance").ClickAsync();
        await admin.WaitForURLAsync("**/admin/compliance");
        await Assertions.Expect(admin.GetByTestId("evidence-keys")).ToBeVisibleAsync();
        await admin.AssertAxeCleanAsync("compliance: security plan");
        await admin.GetByTestId("chain-verify").ClickAsync();
        await Assertions.Expect(admin.Locator(".mud-snackbar")).ToContainTextAsync("The audit log is intact");
        await Assertions.Expect(admin.GetByTestId("chain-status")).ToContainTextAsync("Intact");
        await admin.ScreenshotAsync("admin-compliance-evidence");

        // The tabs read in sentence case, as the buttons do (MudBlazor sets its tabs in upper case whatever the theme says).
        await Assertions.Expect(admin.GetByRole(AriaRole.Tab, new() { Name = "Retention" })).ToHaveCSSAsync("text-transform", "none");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Retention" }).ClickAsync();
        var proposal = admin.Locator($"[data-testid='proposal'][data-client='{email}']");
        await Assertions.Expect(proposal).ToContainTextAsync("the client asked for the account's closure");
        await proposal.GetByTestId("proposal-select").CheckAsync();
        await admin.ScreenshotAsync("admin-compliance-retention");
        await NoSnackbarAsync(admin);
        await admin.AssertAxeCleanAsync("compliance: retention");
        await admin.GetByTestId("disposal-approve").ClickAsync();
        await admin.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Dispose", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator(".mud-snackbar").First).ToContainTextAsync("1 client disposed of");
        await Assertions.Expect(proposal).ToHaveCountAsync(0);
        var done = admin.GetByTestId("disposed").First;
        await Assertions.Expect(done).ToContainTextAsync("the client asked for the account's closure");

        var download = await admin.RunAndWaitForDownloadAsync(() => done.GetByTestId("certificate-csv").ClickAsync());
        var saved = Path.Combine(Folder, "certificate.csv");
        await download.SaveAsAsync(saved);
        var certificate = await File.ReadAllTextAsync(saved);
        Assert.Contains($"Approved by,{DemoAccounts.Admin}", certificate, StringComparison.Ordinal);
        Assert.Contains("Profile removed,yes", certificate, StringComparison.Ordinal);
        Assert.DoesNotContain("Dora", certificate, StringComparison.Ordinal);
        Assert.DoesNotContain(email, certificate, StringComparison.Ordinal);
        await admin.ScreenshotAsync("admin-compliance-disposed");

        // The access report for the demo preparer's last 30 days runs and offers its exports.
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Access report" }).ClickAsync();
        await admin.GetByTestId("access-who").FillAsync("preparer");
        await admin.GetByRole(AriaRole.Option).First.ClickAsync();
        await admin.GetByTestId("access-run").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("access-totals")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("access-csv")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("admin-compliance-access-report");
        await NoSnackbarAsync(admin);
        await admin.AssertAxeCleanAsync("compliance: access report");
    }

    /// <summary>axe reads a snackbar still fading in as low contrast: the page is checked once the outcomes are gone.</summary>
    private static Task NoSnackbarAsync(IPage page) => Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
}
