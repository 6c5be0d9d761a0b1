using System.Net;
using System.Net.Http.Headers;
using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>An admin creates an API token, a script uses it on /api/users, the admin revokes it and the script is refused.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiTokenJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task An_admin_creates_a_token_a_script_uses_it_and_revoking_it_stops_the_script()
    {
        var admin = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        await admin.GetByTestId("admin-link-tokens").ClickAsync();
        await admin.WaitForURLAsync("**/admin/tokens");
        await admin.GetByTestId("tokens-interactive").WaitForAsync();

        await admin.Locator("input[data-testid='token-name'], [data-testid='token-name'] input").First.FillAsync("nightly export script");
        var proof = admin.Locator("input[data-testid='token-reauth'], [data-testid='token-reauth'] input").First;

        // A token is as powerful as its owner: without proof that it is them, none is made.
        await proof.FillAsync("not my password");
        await admin.GetByTestId("token-create").ClickAsync();
        await Assertions.Expect(admin.Locator(".mud-snackbar")).ToContainTextAsync("neither your password nor a current code");
        await Assertions.Expect(admin.GetByTestId("token-secret")).ToHaveCountAsync(0);

        await proof.FillAsync(TaxGenius.Tests.Infrastructure.TaxGeniusAppFactory.DemoPassword);
        await admin.GetByTestId("token-create").ClickAsync();
        var secret = admin.GetByTestId("token-secret");
        await Assertions.Expect(secret).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^tgp_"));
        var token = (await secret.InnerTextAsync()).Trim();
        await Assertions.Expect(admin.GetByTestId("token-row")).ToContainTextAsync("nightly export script");
        await admin.ScreenshotAsync("admin-tokens");

        // A script (no cookie, no browser) lists the clients with the token.
        using var script = new HttpClient { BaseAddress = App.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var listed = await script.GetAsync("/api/users?role=CLIENT"))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            Assert.Contains(DemoAccounts.Client, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await admin.GetByTestId("token-revoke").ClickAsync();
        await admin.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("token-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Revoked", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        using var refused = await script.GetAsync("/api/users?role=CLIENT");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
