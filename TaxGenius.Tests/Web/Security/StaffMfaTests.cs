using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>Staff (PREPARER, ADMIN) must sign in with an authenticator app; clients and referrers may.</summary>
public sealed class StaffMfaTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_preparer_without_an_authenticator_reaches_nothing_until_enrolled()
    {
        await app.Factory.CreateUserAsync("new.preparer@example.test", Roles.Preparer, enrollMfa: false);
        using var client = await app.Factory.SignInAsync("new.preparer@example.test");

        foreach (var page in new[] { "/preparer", "/preparer/queue", "/client", "/" + "admin" })
        {
            using var refused = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal(StaffMfa.EnrollmentPath, refused.Headers.Location.PathOnly());
        }

        using var api = await client.GetAsync($"/api/staff/documents/{Guid.CreateVersion7()}/content");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Two-factor sign-in required", problem.RootElement.GetProperty("title").GetString());
        }

        // The enrollment page explains why, shows a QR code and the key; a wrong code is refused with a message.
        var html = await client.GetStringAsync(StaffMfa.EnrollmentPath);
        Assert.Contains("Two-factor sign-in is required for your role", html, StringComparison.Ordinal);
        Assert.Contains("alt=\"QR code for your authenticator app\"", html, StringComparison.Ordinal);
        var token = FormToken.In(html);
        using var wrong = await client.PostAsync(StaffMfa.EnrollmentPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "send-code", ["__RequestVerificationToken"] = token, ["Input.Code"] = "000000",
        }));
        Assert.Contains("That code does not match", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var still = await client.GetAsync("/preparer"))
        {
            Assert.Equal(StaffMfa.EnrollmentPath, still.Headers.Location.PathOnly());
        }

        var recoveryCodes = await TaxGeniusAppFactory.EnrollThroughPageAsync(client);
        Assert.Equal(10, recoveryCodes.Count);

        // The same session now reaches the queue; the next sign-in asks for a code.
        using var queue = await client.GetAsync("/preparer/queue");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        using var fresh = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var password = await TaxGeniusAppFactory.PostLoginAsync(fresh, "new.preparer@example.test", TaxGeniusAppFactory.DemoPassword);
        Assert.Equal("/Account/LoginWith2fa", password.Headers.Location.PathOnly());
    }

    [Fact]
    public async Task The_second_step_refuses_a_wrong_code_and_signs_in_with_the_right_one()
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var password = await TaxGeniusAppFactory.PostLoginAsync(client, DemoAccounts.Preparer, TaxGeniusAppFactory.DemoPassword);
        var step = password.Headers.Location!;
        Assert.Equal("/Account/LoginWith2fa", step.PathOnly());

        var current = await app.Factory.TotpCodeAsync(DemoAccounts.Preparer);
        var wrongCode = current == "123456" ? "654321" : "123456";
        using var wrong = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, step, wrongCode);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var notYet = await client.GetAsync("/preparer"))
        {
            Assert.Equal("/Account/Login", notYet.Headers.Location.PathOnly());
        }

        using var right = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, step, current);
        Assert.Equal("/preparer", right.Headers.Location.PathOnly());
        using var home = await client.GetAsync("/preparer");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Every_demo_account_is_enrolled_with_the_configured_key()
    {
        // Staff must be; clients and referrers because the firm's default policy asks them for a second step too.
        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var (email, _, _, _) in DemoAccounts.All)
        {
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True(user.TwoFactorEnabled, email);
            Assert.Equal(TaxGeniusAppFactory.TotpSecret, await users.GetAuthenticatorKeyAsync(user));
        }
    }

    [Fact]
    public async Task Staff_cannot_turn_two_factor_sign_in_off()
    {
        var email = "keeps.mfa@example.test";
        var id = await app.Factory.CreateUserAsync(email, Roles.Admin);
        using var client = await app.Factory.SignInAsync(email);
        var html = await client.GetStringAsync("/Account/Manage/Disable2fa");
        Assert.Contains("cannot be turned off", html, StringComparison.Ordinal);

        // The two-factor page does not offer to turn it off (a client's does), and posting the form anyway changes nothing.
        var page = await client.GetStringAsync("/Account/Manage/TwoFactorAuthentication");
        Assert.DoesNotContain("Account/Manage/Disable2fa", page, StringComparison.Ordinal);
        Assert.Contains("New recovery codes", page, StringComparison.Ordinal);
        await app.Factory.EnrollAuthenticatorAsync(await app.Factory.CreateUserAsync("keeps.choice@example.test", Roles.Client));
        using (var clientBrowser = await app.Factory.SignInAsync("keeps.choice@example.test"))
        {
            Assert.Contains("Account/Manage/Disable2fa", await clientBrowser.GetStringAsync("/Account/Manage/TwoFactorAuthentication"), StringComparison.Ordinal);
        }

        var token = FormToken.In(page);
        using var post = await client.PostAsync("/Account/Manage/Disable2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "disable-2fa", ["__RequestVerificationToken"] = token,
        }));
        using var scope = app.Factory.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(id.ToString());
        Assert.True(user!.TwoFactorEnabled);
    }

    [Fact]
    public async Task A_client_promoted_to_preparer_must_enroll_before_the_queue()
    {
        var email = "promoted@example.test";
        var id = await app.Factory.CreateUserAsync(email, Roles.Client);
        using (var asClient = await app.Factory.SignInAsync(email))
        using (var home = await asClient.GetAsync("/client"))
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }

        using (var scope = app.Factory.Services.CreateScope())
        {
            var admin = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, IsAdmin: true);
            var changed = await scope.ServiceProvider.GetRequiredService<UserLifecycleService>().ChangeRoleAsync(admin, id, Roles.Preparer);
            Assert.True(changed.Succeeded, changed.Error);
        }

        using var asPreparer = await app.Factory.SignInAsync(email);
        using var queue = await asPreparer.GetAsync("/preparer/queue");
        Assert.Equal(StaffMfa.EnrollmentPath, queue.Headers.Location.PathOnly());
    }
}
