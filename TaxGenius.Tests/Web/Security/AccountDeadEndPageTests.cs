using System.Net;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// The account pages a person lands on when something did not work (an old bookmark, a used reset link, a lost session) say what
/// happened in words and offer the next step, never a blank where a value was or an internal id.
/// </summary>
public sealed class AccountDeadEndPageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Each_dead_end_page_says_what_happened_and_links_to_the_next_step()
    {
        using var visitor = app.Factory.CreateClient(new() { AllowAutoRedirect = false });

        // "Check your e-mail" opened without its address (history, a bookmark) has no blank where the address was.
        var bare = await PageAsync(visitor, "/Account/RegisterConfirmation");
        Assert.Contains("the e-mail address you signed up with", bare, StringComparison.Ordinal);
        Assert.DoesNotContain("<strong></strong>", bare, StringComparison.Ordinal);
        Assert.Contains("<strong>pat@example.test</strong>", await PageAsync(visitor, "/Account/RegisterConfirmation?email=pat%40example.test"),
            StringComparison.Ordinal);

        // A reset link that no longer works leads to a new one; a lost account to signing in again.
        Assert.Contains("href=\"Account/ForgotPassword\"", await PageAsync(visitor, "/Account/InvalidPasswordReset"), StringComparison.Ordinal);
        Assert.Contains("href=\"Account/Login\"", await PageAsync(visitor, "/Account/InvalidUser"), StringComparison.Ordinal);

        // "Access denied" opened signed out asks to sign in; a signed-in person hears that the page is not theirs.
        var signedOut = await PageAsync(visitor, "/Account/AccessDenied");
        Assert.Contains("Sign in to continue", signedOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Your account does not have access", signedOut, StringComparison.Ordinal);
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        var signedIn = await PageAsync(client, "/Account/AccessDenied");
        Assert.Contains("This page is not part of your workspace", signedIn, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign in to continue", signedIn, StringComparison.Ordinal);
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }
}
