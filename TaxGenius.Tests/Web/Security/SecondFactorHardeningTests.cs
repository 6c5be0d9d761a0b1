using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Settings;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// A code works once; staff cannot skip the code on a remembered browser unless the firm allows it; resetting the authenticator and
/// changing the sign-in address ask for the password or a current code again.
/// </summary>
public sealed class SecondFactorHardeningTests
{
    private const string RememberCookie = "Identity.TwoFactorRememberMe";

    [Fact]
    public async Task An_authenticator_code_accepted_once_is_refused_when_replayed()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var code = await app.TotpCodeAsync(DemoAccounts.Preparer);

        using var first = app.CreateClient(new() { AllowAutoRedirect = false });
        using var password = await TaxGeniusAppFactory.PostLoginAsync(first, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        using var accepted = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(first, password.Headers.Location!, code);
        Assert.Equal("/preparer", accepted.Headers.Location.PathOnly());

        // Someone who saw the code (over a shoulder, on a phishing page) tries it a moment later.
        using var replay = app.CreateClient(new() { AllowAutoRedirect = false });
        using var replayPassword = await TaxGeniusAppFactory.PostLoginAsync(replay, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        using var refused = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(replay, replayPassword.Headers.Location!, code);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("That code is not right", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("/Account/Login", (await replay.GetAsync("/preparer")).Headers.Location.PathOnly());

        // The next code works.
        using var next = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(replay, replayPassword.Headers.Location!, await app.TotpCodeAsync(DemoAccounts.Preparer));
        Assert.Equal("/preparer", next.Headers.Location.PathOnly());
    }

    [Fact]
    public async Task Staff_cannot_skip_the_code_on_a_remembered_browser_unless_the_firm_allows_it()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        // Off by default: the choice is not offered, and asking for it anyway remembers nothing.
        using var password = await TaxGeniusAppFactory.PostLoginAsync(client, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        var step = password.Headers.Location!;
        Assert.DoesNotContain("Don't ask for a code on this device", await client.GetStringAsync(step), StringComparison.Ordinal);
        using var signedIn = await PostCodeRememberingAsync(client, step, await app.TotpCodeAsync(DemoAccounts.Preparer));
        Assert.Equal("/preparer", signedIn.Headers.Location.PathOnly());
        Assert.DoesNotContain(Cookies(signedIn), c => c.StartsWith(RememberCookie, StringComparison.Ordinal));

        // The firm allows it: offered, remembered, and the next sign-in from this browser skips the code.
        var admin = new AuditActor(await app.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, true);
        Assert.Null(await app.Services.GetRequiredService<FirmSettingsService>().SetStaffMayRememberBrowserAsync(admin, true));
        using var browser = app.CreateClient(new() { AllowAutoRedirect = false });
        using var again = await TaxGeniusAppFactory.PostLoginAsync(browser, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        Assert.Contains("Don't ask for a code on this device", await browser.GetStringAsync(again.Headers.Location!), StringComparison.Ordinal);
        using var remembered = await PostCodeRememberingAsync(browser, again.Headers.Location!, await app.TotpCodeAsync(DemoAccounts.Preparer));
        Assert.Contains(Cookies(remembered), c => c.StartsWith(RememberCookie, StringComparison.Ordinal));
        await SignOutAsync(browser);
        using (var skipped = await TaxGeniusAppFactory.PostLoginAsync(browser, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword))
        {
            Assert.Equal("/preparer", skipped.Headers.Location.PathOnly());
        }

        // Turned off again: the same remembered browser is asked for the code.
        Assert.Null(await app.Services.GetRequiredService<FirmSettingsService>().SetStaffMayRememberBrowserAsync(admin, false));
        await SignOutAsync(browser);
        using var asked = await TaxGeniusAppFactory.PostLoginAsync(browser, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        Assert.Equal("/Account/LoginWith2fa", asked.Headers.Location.PathOnly());

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.FirmSettingsChanged));
    }

    [Fact]
    public async Task Resetting_the_authenticator_asks_for_the_password_or_a_current_code_first()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var client = await app.SignInAsync(DemoAccounts.Preparer);

        using (var refused = await FormToken.PostFormAsync(client, "/Account/Manage/ResetAuthenticator", "reset-authenticator", ("Input.Secret", "not my password")))
        {
            Assert.Contains("neither your password nor a current code", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(TaxGeniusAppFactory.TotpSecret, await AuthenticatorKeyAsync(app));

        using var reset = await FormToken.PostFormAsync(client, "/Account/Manage/ResetAuthenticator", "reset-authenticator", ("Input.Secret", TaxGeniusAppFactory.DemoPassword));
        Assert.Equal("/Account/Manage/EnableAuthenticator", reset.Headers.Location.PathOnly());
        Assert.NotEqual(TaxGeniusAppFactory.TotpSecret, await AuthenticatorKeyAsync(app));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.AuthenticatorReset));
    }

    [Fact]
    public async Task Changing_the_sign_in_address_asks_for_the_password_or_a_current_code_first()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var client = await app.SignInAsync(DemoAccounts.Client);

        using (var refused = await FormToken.PostFormAsync(client, "/Account/Manage/Email", "change-email", ("Input.NewEmail", "taken.over@example.test"), ("Input.Secret", "")))
        {
            // The demo client has an authenticator app too, so a current code would also do.
            Assert.Contains("That is neither your password nor a current code", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Task.Delay(500);
        Assert.DoesNotContain(app.Outbox.List(), e => e.To.Contains("taken.over@example.test", StringComparison.Ordinal));

        using var sent = await FormToken.PostFormAsync(client, "/Account/Manage/Email", "change-email", ("Input.NewEmail", "casey.new@example.test"),
            ("Input.Secret", TaxGeniusAppFactory.DemoPassword));
        Assert.Contains("We sent a confirmation link to the new address", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.WaitForEmailAsync("casey.new@example.test");
    }

    private static async Task<HttpResponseMessage> PostCodeRememberingAsync(HttpClient client, Uri step, string code)
    {
        var token = FormToken.In(await client.GetStringAsync(step));
        return await client.PostAsync(step, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-with-2fa", ["__RequestVerificationToken"] = token, ["Input.TwoFactorCode"] = code, ["Input.RememberMachine"] = "true",
        }));
    }

    private static async Task SignOutAsync(HttpClient client)
    {
        var token = FormToken.In(await client.GetStringAsync("/Account/Manage"));
        using var _ = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["ReturnUrl"] = "/",
        }));
    }

    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static async Task<string?> AuthenticatorKeyAsync(TaxGeniusAppFactory app)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(DemoAccounts.Preparer))!);
    }
}
