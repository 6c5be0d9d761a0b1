using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>A preparer without an authenticator signs in, is sent to enrollment, sets the app up and reaches the queue.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffMfaJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_preparer_without_an_authenticator_is_made_to_enroll_and_then_reaches_the_queue()
    {
        await App.CreateUserAsync("dana.preparer@example.test", Roles.Preparer, enrollMfa: false);
        var page = await Browser.NewPageAsync(App.BaseAddress);
        await page.GotoAsync("/preparer/queue");
        await page.WaitForURLAsync("**/Account/Login**");
        await new SignInPage(page).SignInAsync("dana.preparer@example.test", TaxGeniusAppFactory.DemoPassword, totpSecret: null);

        // Not the queue: the enrollment page, with the reason, a QR code and the key to type.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == StaffMfa.EnrollmentPath);
        var enrollment = new EnrollmentPage(page);
        await Assertions.Expect(enrollment.RequiredNotice).ToContainTextAsync("Two-factor sign-in is required for your role");
        await Assertions.Expect(enrollment.QrCode).ToBeVisibleAsync();
        Assert.True(await enrollment.QrCode.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR code image renders.");
        await page.ScreenshotAsync("mfa-enrollment");

        // Going around it leads back to it.
        await page.GotoAsync("/preparer/queue");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == StaffMfa.EnrollmentPath);

        // A wrong code is refused with a message; the app's current code works.
        await page.GetByLabel("Verification code").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(page.Locator(".alert-danger")).ToContainTextAsync("That code does not match");
        var key = await enrollment.EnrollAsync();
        await page.ScreenshotAsync("mfa-recovery-codes");
        await enrollment.ContinueAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/preparer");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("nav-preparer-queue").ClickAsync();
        await page.WaitForURLAsync("**/preparer/queue");
        await Assertions.Expect(page.GetByTestId("queue-grid")).ToBeVisibleAsync();

        // Next time the password alone is not enough: the second step asks for the app's code.
        var again = await Browser.NewPageAsync(App.BaseAddress);
        await again.GotoAsync("/Account/Login");
        await new SignInPage(again).SignInAsync("dana.preparer@example.test", TaxGeniusAppFactory.DemoPassword, totpSecret: null);
        await again.WaitForURLAsync("**/Account/LoginWith2fa**");
        await again.ScreenshotAsync("mfa-second-step");
        await new SignInPage(again).EnterCodeAsync(await App.TotpCodeAsync("dana.preparer@example.test", key));
        await again.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/preparer");
    }
}
