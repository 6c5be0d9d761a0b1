using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;

namespace TaxGenius.E2E;

/// <summary>A client signed in on two browsers signs one out from the other: that browser's sign-in is over.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    /// <summary>The circuit and cookie revalidation interval for this app; the product default is 60 s.</summary>
    private const int RevalidationSeconds = 5;

    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Security:RevalidationSeconds"] = RevalidationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task A_client_signs_out_another_of_their_sessions_and_that_session_is_gone()
    {
        var other = await SignedInPageAsync(DemoAccounts.Client, "**/client");
        var here = await SignedInPageAsync(DemoAccounts.Client, "**/client");

        var sessions = new SessionsPage(here);
        await sessions.OpenFromUserMenuAsync();
        await Assertions.Expect(sessions.Sessions).ToHaveCountAsync(2);
        await Assertions.Expect(sessions.Current.GetByTestId("session-this-device")).ToHaveTextAsync("This device");
        await Assertions.Expect(sessions.Current.GetByTestId("session-sign-out")).ToHaveCountAsync(0);
        await Assertions.Expect(sessions.Others.GetByTestId("session-device")).ToHaveTextAsync("Chrome on Linux");
        await here.ScreenshotAsync("account-sessions");

        await sessions.SignOutOtherAsync();
        await here.WaitForURLAsync("**/Account/Manage/Sessions");
        await Assertions.Expect(sessions.Status).ToContainTextAsync("Signed out Chrome on Linux");
        await Assertions.Expect(sessions.Sessions).ToHaveCountAsync(1);
        await Assertions.Expect(sessions.Current).ToHaveCountAsync(1);
        await here.ScreenshotAsync("account-sessions-signed-out");

        // The other browser's open page (a live circuit) is signed out at its next revalidation and sent to sign in...
        await other.WaitForURLAsync("**/Account/Login**", new() { Timeout = (RevalidationSeconds * 4 + 10) * 1000 });
        // ...and its cookie no longer opens anything.
        await other.GotoAsync("/client");
        await other.WaitForURLAsync("**/Account/Login**");
        await Assertions.Expect(other.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();

        // This browser carries on.
        await here.GotoAsync("/client");
        await here.WaitForURLAsync("**/client");
    }
}
