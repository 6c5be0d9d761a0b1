using System.Text.RegularExpressions;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

[Collection(BrowserCollection.Name)]
public sealed partial class RegistrationJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private TaxGeniusAppFactory app = default!;

    public async Task InitializeAsync() => app = await TaxGeniusAppFactory.CreateAsync(kestrel: true);

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_new_client_registers_confirms_from_the_outbox_signs_in_and_lands_on_client()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        const string email = "dana.doe@example.test";
        const string password = "paper cranes fly south";

        var register = new RegisterPage(page);
        await register.OpenAsync();
        await page.ScreenshotAsync("register");
        await register.RegisterAsync("Dana", "Doe", email, password);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(email)).ToBeVisibleAsync();

        // The confirmation e-mail is in the outbox; follow its link as the person would.
        var message = await app.WaitForEmailAsync(email);
        Assert.Equal("Confirm your TaxGenius e-mail address", message.Subject);
        var link = ConfirmLink().Match(message.HtmlBody ?? "").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/Account/ConfirmEmail", link, StringComparison.Ordinal);
        Assert.Contains(link, message.TextBody ?? "", StringComparison.Ordinal);

        // Signing in before confirming is refused with a reason.
        var signIn = new SignInPage(page, app);
        await signIn.OpenAsync();
        await signIn.SignInAsync(email, password);
        await Assertions.Expect(signIn.Error).ToContainTextAsync("confirm your e-mail address first");

        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("email-confirmed")).ToBeVisibleAsync();

        await signIn.OpenAsync();
        await signIn.SignInAsync(email, password);
        await page.WaitForURLAsync("**/client");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(new ShellPage(page).Greeting).ToHaveTextAsync("Welcome, Dana");
        Assert.Equal(["nav-client", "nav-client-profile", "nav-client-documents", "nav-client-messages"], await new ShellPage(page).RoleLinksAsync());
        await page.ScreenshotAsync("client-home-new");
    }

    [Fact]
    public async Task Registration_explains_every_bad_input_next_to_its_field()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var register = new RegisterPage(page);
        await register.OpenAsync();
        await register.RegisterAsync("", "", "not-an-email", "short", "different");

        await Assertions.Expect(page.GetByText("Enter your first name.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Enter your last name.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Enter a valid e-mail address, like name@example.com.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("The password must be at least 12 and at most 128 characters long.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("The two passwords do not match.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("register-errors");
        Assert.Empty(app.Outbox.List());
    }


    [GeneratedRegex("href=\"([^\"]*Account/ConfirmEmail[^\"]*)\"")]
    private static partial Regex ConfirmLink();
}
