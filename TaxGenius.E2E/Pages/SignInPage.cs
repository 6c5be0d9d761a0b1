using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E.Pages;

/// <summary>
/// The static sign-in form at /Account/Login. <paramref name="app"/> supplies authenticator codes the app has not seen yet (codes
/// work once); without it, the current code.
/// </summary>
public sealed class SignInPage(IPage page, TaxGeniusAppFactory? app = null)
{
    public async Task OpenAsync() => await page.GotoAsync("/Account/Login");

    /// <summary>
    /// Fills and sends the form; when the account asks for a second factor, answers it with a code computed from
    /// <paramref name="totpSecret"/> (the test authenticator key by default), or with the e-mailed code for an account without an authenticator.
    /// </summary>
    public async Task SignInAsync(string email, string password, string? totpSecret = TaxGeniusAppFactory.TotpSecret)
    {
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        if (!page.Url.Contains("/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (app is not null && await page.GetByLabel("E-mailed code").CountAsync() > 0)
        {
            // A client or referrer without an authenticator: the code the firm's policy e-mailed, read from the outbox.
            await page.GetByLabel("E-mailed code").FillAsync(await app.EmailedCodeAsync(email));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        }
        else if (totpSecret is not null)
        {
            await EnterCodeAsync(app is null ? Totp.Code(totpSecret, DateTimeOffset.UtcNow) : await app.TotpCodeAsync(email, totpSecret));
        }
    }

    /// <summary>The two-factor step: the authenticator code.</summary>
    public async Task EnterCodeAsync(string code)
    {
        await page.GetByLabel("Authenticator code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public ILocator Error => page.Locator(".alert-danger");
}
