using TaxGenius.Core.Identity;

namespace TaxGenius.E2E.Pages;

/// <summary>The authenticator enrollment page staff are sent to before anything else (/Account/Manage/EnableAuthenticator).</summary>
public sealed class EnrollmentPage(IPage page)
{
    public ILocator RequiredNotice => page.Locator("#mfa-required");

    public ILocator Key => page.Locator("#authenticator-key");

    public ILocator QrCode => page.GetByAltText("QR code for your authenticator app");

    public ILocator RecoveryCodes => page.Locator("code.recovery-code");

    /// <summary>Reads the key as a person would type it into an app, answers with the app's current code, returns the key.</summary>
    public async Task<string> EnrollAsync()
    {
        var key = Totp.Normalize(await Key.InnerTextAsync());
        await page.GetByLabel("Verification code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(RecoveryCodes).ToHaveCountAsync(10);
        return key;
    }

    public Task ContinueAsync() => page.Locator("#continue-to-workspace").ClickAsync();
}
