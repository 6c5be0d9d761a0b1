using System.Net;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>A page's form posted with a token that no longer matches goes back to the page with a message; nothing is acted on.</summary>
public sealed class StaleFormTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_sign_in_form_used_after_signing_in_in_another_tab_comes_back_with_a_message_and_signs_nobody_in()
    {
        using var browser = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        // Tab 1 opens the sign-in page (its token is for an anonymous visitor) ...
        var staleToken = FormToken.In(await browser.GetStringAsync("/Account/Login"));
        Assert.NotEmpty(staleToken);
        // ... and the form is sent with a token that does not match the browser's cookie (as after signing in or out in tab 2).
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = staleToken[..^4] + "AAAA",
            ["Input.Email"] = DemoAccounts.Client,
            ["Input.Password"] = TaxGeniusAppFactory.DemoPassword,
        });
        using var response = await browser.PostAsync("/Account/Login?ReturnUrl=%2Fclient", form);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fclient", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity", StringComparison.Ordinal));

        // The page again, with a fresh form and the reason, not "We could not find that page".
        using var again = await browser.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains("That form had expired (it was open in another tab, or for a long time), so nothing was sent.", html, StringComparison.Ordinal);
        Assert.NotEmpty(FormToken.In(html));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.StartsWith("Error: ", StaleFormMiddleware.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_from_a_stale_page_goes_home_still_signed_in_and_a_fresh_sign_out_works()
    {
        using var browser = await app.Factory.SignInAsync(DemoAccounts.Referrer);
        async Task<HttpResponseMessage> SignOutAsync(string token) => await browser.PostAsync(StaleFormMiddleware.LogoutPath,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["returnUrl"] = "/" }));

        using (var stale = await SignOutAsync("a-token-from-an-old-page"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, stale.StatusCode);
            Assert.Equal("/", stale.Headers.Location?.OriginalString);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);

        using (var fresh = await SignOutAsync(FormToken.In(await browser.GetStringAsync("/Account/Manage"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }
}
