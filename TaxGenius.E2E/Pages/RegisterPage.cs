namespace TaxGenius.E2E.Pages;

/// <summary>The static registration form at /Account/Register.</summary>
public sealed class RegisterPage(IPage page)
{
    public async Task OpenAsync() => await page.GotoAsync("/Account/Register");

    public async Task RegisterAsync(string firstName, string lastName, string email, string password, string? confirm = null)
    {
        await page.GetByLabel("First name").FillAsync(firstName);
        await page.GetByLabel("Last name").FillAsync(lastName);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(confirm ?? password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    public ILocator ValidationMessages => page.Locator(".validation-message");
}
