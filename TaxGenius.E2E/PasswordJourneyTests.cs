using System.Text.RegularExpressions;
using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

[Collection(BrowserCollection.Name)]
public sealed partial class PasswordJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private TaxGeniusAppFactory app = default!;

    public async Task InitializeAsync() => app = await TaxGeniusAppFactory.CreateAsync(kestrel: true);

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_client_who_forgot_the_password_resets_it_from_the_e_mail_and_signs_in_with_the_new_one()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await page.GotoAsync("/Account/ForgotPassword");
        await page.GetByLabel("E-mail").FillAsync(DemoAccounts.Client);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a reset link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();

        var mail = await app.WaitForEmailAsync(DemoAccounts.Client, "Reset your TaxGenius password");
        var link = ResetLink().Match(mail.HtmlBody ?? "").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        await page.GotoAsync(link);
        await page.GetByLabel("E-mail").FillAsync(DemoAccounts.Client);
        await page.GetByLabel("New password").FillAsync("a brand new passphrase");
        await page.GetByLabel("Confirm password").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save my new password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your password is changed" })).ToBeVisibleAsync();

        var signIn = new SignInPage(page, app);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
        await Assertions.Expect(signIn.Error).ToContainTextAsync("do not match an account");
        await signIn.SignInAsync(DemoAccounts.Client, "a brand new passphrase");
        await page.WaitForURLAsync("**/client");
    }

    [Fact]
    public async Task A_signed_in_user_changes_the_password_in_account_settings()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var signIn = new SignInPage(page, app);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Referrer, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/referrer");

        await page.GotoAsync("/Account/Manage/ChangePassword");
        await page.GetByLabel("Current password").FillAsync(TaxGeniusAppFactory.DemoPassword);
        await page.GetByLabel("New password").FillAsync("short");
        await page.GetByLabel("Confirm password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The password must be at least 12 and at most 128 characters long.")).ToBeVisibleAsync();

        await page.GetByLabel("Current password").FillAsync(TaxGeniusAppFactory.DemoPassword);
        await page.GetByLabel("New password").FillAsync("referrals all year long");
        await page.GetByLabel("Confirm password").FillAsync("referrals all year long");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your password has been changed")).ToBeVisibleAsync();
        await page.ScreenshotAsync("change-password");

        var fresh = await browser.NewPageAsync(app.BaseAddress);
        var again = new SignInPage(fresh, app);
        await again.OpenAsync();
        await again.SignInAsync(DemoAccounts.Referrer, "referrals all year long");
        await fresh.WaitForURLAsync("**/referrer");
    }


    [GeneratedRegex("href=\"([^\"]*Account/ResetPassword[^\"]*)\"")]
    private static partial Regex ResetLink();
}
