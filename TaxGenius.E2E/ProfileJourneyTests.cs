using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;

namespace TaxGenius.E2E;

/// <summary>A client fills in the profile and hands over the SSN, which is only ever shown back masked.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProfileJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_client_saves_the_profile_and_an_SSN_that_stays_masked()
    {
        var page = await SignedInPageAsync(DemoAccounts.Client, "**/client");

        var profile = new ProfilePage(page);
        await profile.GotoAsync();

        // A bad ZIP is refused at the field.
        await profile.FillAsync("Casey", "Client", "(512) 555-0100", "100 Congress Ave", "Austin", "Texas", "7870");
        await profile.SaveAsync();
        await Assertions.Expect(profile.FieldError("profile-zip")).ToHaveTextAsync("Enter a 5-digit ZIP code or ZIP+4, e.g. 12345 or 12345-6789.");

        await profile.Field("profile-zip").FillAsync("78701-1234");
        await profile.SaveAsync();
        await Assertions.Expect(profile.Snackbar).ToContainTextAsync("Profile saved.");

        await profile.SetSsnAsync("078-05-1120");
        Assert.Equal("***-**-1120", await profile.MaskedSsnAsync());
        await page.ScreenshotAsync("client-profile");
        var html = await page.ContentAsync();
        Assert.DoesNotContain("078-05-1120", html, StringComparison.Ordinal);
        Assert.DoesNotContain("078051120", html, StringComparison.Ordinal);

        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        Assert.Equal("***-**-1120", await profile.MaskedSsnAsync());
        await Assertions.Expect(profile.Field("profile-zip")).ToHaveValueAsync("78701-1234");
        await Assertions.Expect(profile.Field("profile-phone")).ToHaveValueAsync("(512) 555-0100");
        Assert.DoesNotContain("078-05-1120", await page.ContentAsync(), StringComparison.Ordinal);

        // The home checklist now shows the SSN on file.
        await page.GotoAsync("/client");
        await page.WaitForInteractiveAsync();
        await page.SetViewportSizeAsync(390, 844);
        await profile.GotoAsync();
        await page.ScreenshotAsync("client-profile-phone");
    }
}
