using System.Text.RegularExpressions;
using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// Passkeys in a real Chromium with a virtual authenticator (ADR-015). WebAuthn needs a domain, not an IP address, as the relying
/// party: the browser uses http://localhost:port from its first request (a secure context, like https).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PasskeyJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    private Uri Site => new UriBuilder(App.BaseAddress) { Host = "localhost" }.Uri;

    [Fact]
    public async Task A_new_client_signs_up_with_a_passkey_cannot_remove_their_only_one_and_signs_in_with_it_alone()
    {
        const string email = "pat.passkey@example.test";
        var page = await Browser.NewPageAsync(Site);
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await VirtualAuthenticator.WithoutAutofillAsync(page);

        // Registration: a passkey instead of a password (the password fields go away).
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("First name").FillAsync("Pat");
        await page.GetByLabel("Last name").FillAsync("Passkey");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("With a passkey").CheckAsync();
        await Assertions.Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeHiddenAsync();
        await page.ScreenshotAsync("register-with-passkey");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();

        // The confirmation link signs the new client in once, straight to adding the passkey.
        var mail = await App.WaitForEmailAsync(email, "Confirm your TaxGenius e-mail address");
        var link = new Uri(ConfirmLink().Match(mail.HtmlBody ?? "").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal));
        await page.GotoAsync(new UriBuilder(link) { Host = "localhost" }.Uri.ToString());
        await page.WaitForURLAsync("**/Account/Manage/Passkeys");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Now add your passkey");
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await page.GetByLabel("Name of this passkey").FillAsync("Pat's laptop");
        await page.ScreenshotAsync("passkey-name");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Pat's laptop");
        await Assertions.Expect(page.GetByTestId("passkey-last-used")).ToHaveTextAsync("Not used to sign in yet");
        var credential = Assert.Single(await authenticator.CredentialsAsync());
        Assert.Equal("localhost", credential.RpId);

        // Its only way to sign in cannot be removed.
        await page.GetByTestId("passkey-remove").ClickAsync();
        await Assertions.Expect(page.Locator(".alert-danger")).ToContainTextAsync("This is your only way to sign in");
        await Assertions.Expect(page.GetByTestId("passkey")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("passkey-last-refused");
        await page.AssertAxeCleanAsync("passkeys page");

        // Signed out, back in with the passkey alone: no e-mail, no password, no code.
        await page.GotoAsync("/client");
        await page.WaitForInteractiveAsync();
        await new ShellPage(page).SignOutAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath is "/" or "/Account/Login");
        await page.GotoAsync("/Account/Login");
        await page.ScreenshotAsync("sign-in-with-passkey");
        await page.AssertAxeCleanAsync("sign-in page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync("**/client");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(new ShellPage(page).Greeting).ToHaveTextAsync("Welcome, Pat");
        Assert.True(Assert.Single(await authenticator.CredentialsAsync()).SignCount > credential.SignCount, "The passkey signed the sign-in.");

        await page.GotoAsync("/Account/Manage/Passkeys");
        await Assertions.Expect(page.GetByTestId("passkey-last-used")).ToContainTextAsync("Last used");
    }

    [Fact]
    public async Task A_preparer_adds_a_passkey_and_then_reaches_the_queue_with_it_without_the_authenticator_step()
    {
        var page = await Browser.NewPageAsync(Site);
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await VirtualAuthenticator.WithoutAutofillAsync(page);
        var signIn = new SignInPage(page, App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/preparer");

        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Name of this passkey")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToContainTextAsync("added");
        Assert.Single(await authenticator.CredentialsAsync());

        // A preparer with a password keeps it: removing the passkey would be allowed; signing in with it skips the code.
        await page.GotoAsync("/preparer");
        await page.WaitForInteractiveAsync();
        await new ShellPage(page).SignOutAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath is "/" or "/Account/Login");
        var visited = new List<string>();
        page.FrameNavigated += (_, frame) => visited.Add(new Uri(frame.Url).AbsolutePath);
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync("**/preparer");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("nav-preparer-queue").ClickAsync();
        await page.WaitForURLAsync("**/preparer/queue");
        await Assertions.Expect(page.GetByTestId("queue-grid")).ToBeVisibleAsync();
        Assert.DoesNotContain("/Account/LoginWith2fa", visited);
        Assert.DoesNotContain(visited, path => path.StartsWith("/Account/Manage/EnableAuthenticator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_referrer_with_a_passkey_is_offered_it_by_the_browsers_autofill_on_the_sign_in_page()
    {
        var page = await Browser.NewPageAsync(Site);
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        var signIn = new SignInPage(page, App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Referrer, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/referrer");
        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await page.GetByLabel("Name of this passkey").FillAsync("Riley's phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Riley's phone");
        Assert.Single(await authenticator.CredentialsAsync());

        // This browser offers passkeys in autofill. Asked here, not on the sign-in page: there the authenticator answers at once
        // and the page navigates away while the question is still being evaluated.
        Assert.True(await page.EvaluateAsync<bool>("() => PublicKeyCredential.isConditionalMediationAvailable()"));

        // A new browser session on the same device: the e-mail field's autofill offers the passkey (this authenticator picks it
        // at once, as a person would from the list) and the page signs in without a password or a button.
        await page.Context.ClearCookiesAsync();
        // Waits only for the response: the sign-in may navigate on before the login page has finished loading.
        await page.GotoAsync("/Account/Login", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync("**/referrer");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(new ShellPage(page).Greeting).ToContainTextAsync("Riley");
    }

    [GeneratedRegex("href=\"([^\"]*/Account/ConfirmEmail[^\"]*)\"")]
    private static partial Regex ConfirmLink();
}
