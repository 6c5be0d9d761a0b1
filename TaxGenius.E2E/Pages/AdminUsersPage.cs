namespace TaxGenius.E2E.Pages;

/// <summary>/admin/users: the users grid, its per-row action menu with confirmation, and the "Invite staff" dialog.</summary>
public sealed class AdminUsersPage(IPage page)
{
    public ILocator Grid => page.GetByTestId("users-grid");

    public ILocator Snackbar => page.Locator(".mud-snackbar");

    public async Task OpenAsync()
    {
        await page.GotoAsync("/admin/users");
        await page.GetByTestId("users-interactive").WaitForAsync();
    }

    /// <summary>The grid row of the account with that e-mail.</summary>
    public ILocator Row(string email) => page.Locator("tr", new() { Has = page.Locator($"[data-testid='users-row'][data-email='{email}']") });

    public async Task SearchAsync(string text)
    {
        await Field("users-search").FillAsync(text);
        await Assertions.Expect(page.GetByTestId("users-row")).ToHaveCountAsync(1);
    }

    /// <summary>Opens the row's menu, picks the action and confirms it in the message box.</summary>
    public async Task RunAsync(string email, string actionTestId, string confirmButton)
    {
        await Row(email).GetByTestId("users-actions").Locator("button").First.ClickAsync();
        await page.GetByTestId(actionTestId).ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = confirmButton, Exact = true }).ClickAsync();
    }

    public async Task InviteAsync(string email)
    {
        await page.GetByTestId("users-invite").ClickAsync();
        await Field("invite-email").FillAsync(email);
        await page.GetByTestId("invite-send").ClickAsync();
    }

    /// <summary>A MudTextField's input (the test id lands on the input or on its wrapper, depending on the component).</summary>
    private ILocator Field(string testId) => page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;
}
