using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E.Pages;

/// <summary>The client's profile page at /client/profile: details form and SSN card.</summary>
public sealed class ProfilePage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("/client/profile");
        await page.WaitForInteractiveAsync();
    }

    /// <summary>The input of a MudBlazor field, whether the test id sits on the input or on its wrapper.</summary>
    public ILocator Field(string testId) => page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    public async Task FillAsync(string first, string last, string phone, string street, string city, string stateName, string zip)
    {
        await Field("profile-first-name").FillAsync(first);
        await Field("profile-last-name").FillAsync(last);
        await Field("profile-phone").FillAsync(phone);
        await Field("profile-street").FillAsync(street);
        await Field("profile-city").FillAsync(city);
        await Field("profile-zip").FillAsync(zip);

        // The state last: once its list closes, MudSelect gives the focus back to itself a round trip later, and a field filled
        // in that moment had its text typed into the select instead (Playwright types into whatever has the focus).
        await page.GetByTestId("profile-state").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(stateName, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await Assertions.Expect(Field("profile-zip")).ToHaveValueAsync(zip);
    }

    public Task SaveAsync() => page.GetByTestId("profile-save").ClickAsync();

    public ILocator Snackbar => page.Locator(".mud-snackbar");

    /// <summary>The message under a field (MudBlazor's helper text in error state).</summary>
    public ILocator FieldError(string testId) =>
        page.Locator($".mud-input-control:has([data-testid='{testId}']) .mud-input-helper-text.mud-input-error, [data-testid='{testId}'] .mud-input-helper-text.mud-input-error");

    public async Task SetSsnAsync(string ssn)
    {
        if (await page.GetByTestId("ssn-replace").IsVisibleAsync())
        {
            await page.GetByTestId("ssn-replace").ClickAsync();
        }

        await Field("ssn-input").FillAsync(ssn);
        await page.GetByTestId("ssn-save").ClickAsync();
    }

    public async Task<string> MaskedSsnAsync()
    {
        var masked = page.GetByTestId("ssn-masked");
        await masked.WaitForAsync();
        return (await masked.TextContentAsync())!.Trim();
    }
}
