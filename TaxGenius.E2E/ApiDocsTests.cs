using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>The API reference at /api/docs renders under the Content Security Policy (AppJourney fails on any refusal).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiDocsTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task An_administrator_sees_the_operations_listed()
    {
        var page = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Status} {response.Url}");
            }
        };

        await page.GotoAsync("/api/docs");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "TaxGenius API" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Users" }).First.ClickAsync();
        await Assertions.Expect(page.GetByText("/api/users").First).ToBeVisibleAsync();
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await page.ScreenshotAsync("api-docs");
        Assert.Empty(failed);
    }
}
