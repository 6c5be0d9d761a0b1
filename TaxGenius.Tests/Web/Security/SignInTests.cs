using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

public sealed class SignInTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Wrong_passwords_lock_that_account_from_that_network_only_never_the_account_itself()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(configureServices: TestClientAddress.Enable);
        const string email = "lockme@example.test";
        await CreateConfirmedClientAsync(factory, email, "a correct horse battery");
        using var attacker = factory.ClientFrom("203.0.113.7");

        for (var i = 1; i < IdentityConfiguration.MaxFailedAccessAttempts; i++)
        {
            using var failed = await TaxGeniusAppFactory.PostLoginAsync(attacker, email, "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("do not match an account", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The fifth failure locks this account from this network, even against the right password.
        using var fifth = await TaxGeniusAppFactory.PostLoginAsync(attacker, email, "wrong password 5");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal("/Account/Lockout", fifth.Headers.Location.PathOnly());
        using var locked = await TaxGeniusAppFactory.PostLoginAsync(attacker, email, "a correct horse battery");
        Assert.Equal("/Account/Lockout", locked.Headers.Location.PathOnly());

        // The owner, elsewhere, is not locked out by it: the account itself never was (the password is accepted and the firm's
        // second step follows).
        using var owner = factory.ClientFrom("198.51.100.2");
        using var signedIn = await TaxGeniusAppFactory.PostLoginAsync(owner, email, "a correct horse battery");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/Account/LoginWith2fa", signedIn.Headers.Location.PathOnly());
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.False(await users.IsLockedOutAsync(user));
        Assert.Equal(0, user.AccessFailedCount);
    }

    [Fact]
    public async Task A_wrong_password_answers_alike_for_unknown_unconfirmed_locked_and_deactivated_accounts()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(configureServices: TestClientAddress.Enable);
        const string password = "the right long password";
        await CreateConfirmedClientAsync(factory, "active@example.test", password);
        var lockedId = await CreateConfirmedClientAsync(factory, "locked@example.test", password);
        var deactivatedId = await CreateConfirmedClientAsync(factory, "gone@example.test", password);
        using (var scope = factory.Services.CreateScope())
        {
            var registration = scope.ServiceProvider.GetRequiredService<AccountRegistrationService>();
            Assert.True((await registration.RegisterClientAsync("pending@example.test", password, "Pen", "Ding")).Succeeded);
            var admin = scope.ServiceProvider.GetRequiredService<TaxGenius.Core.Users.UserLifecycleService>();
            var actor = new TaxGenius.Core.Audit.AuditActor(await factory.UserIdAsync(TaxGenius.Core.Demo.DemoAccounts.Admin), null, null, true);
            Assert.True((await admin.LockAsync(actor, lockedId)).Succeeded);
            Assert.True((await admin.DeactivateAsync(actor, deactivatedId)).Succeeded);
        }

        var answers = new List<string>();
        var network = 10;
        foreach (var email in new[] { "active@example.test", "nobody@example.test", "pending@example.test", "locked@example.test", "gone@example.test" })
        {
            using var client = factory.ClientFrom($"192.0.2.{network++}");
            using var wrong = await TaxGeniusAppFactory.PostLoginAsync(client, email, "not the password at all");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            var html = await wrong.Content.ReadAsStringAsync();
            answers.Add(System.Text.RegularExpressions.Regex.Match(html, "<div class=\"alert[^\"]*\"[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value.Trim());
        }

        Assert.Single(answers.Distinct());
        Assert.Contains("do not match an account", answers[0], StringComparison.Ordinal);

        // With the right password the account's state may be told.
        using var pending = factory.ClientFrom("192.0.2.50");
        using var confirm = await TaxGeniusAppFactory.PostLoginAsync(pending, "pending@example.test", password);
        Assert.Contains("confirm your e-mail address first", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var locked = factory.ClientFrom("192.0.2.51");
        using var lockedAnswer = await TaxGeniusAppFactory.PostLoginAsync(locked, "locked@example.test", password);
        Assert.Equal("/Account/Lockout", lockedAnswer.Headers.Location.PathOnly());
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task A_malformed_or_foreign_return_url_after_signing_in_lands_on_the_home_page(string returnUrl)
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var path = "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(Uri.UnescapeDataString(returnUrl));
        var token = FormToken.In(await client.GetStringAsync(path));
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token,
            ["Input.Email"] = TaxGenius.Core.Demo.DemoAccounts.Client, ["Input.Password"] = TaxGeniusAppFactory.DemoPassword,
        }));

        // The demo client's authenticator step carries the return address on to the end.
        Assert.Equal("/Account/LoginWith2fa", response.Headers.Location.PathOnly());
        using var landed = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, response.Headers.Location!,
            await app.Factory.TotpCodeAsync(TaxGenius.Core.Demo.DemoAccounts.Client));
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/client", landed.Headers.Location.PathOnly());
        Assert.True(landed.Headers.Location!.IsAbsoluteUri is false || landed.Headers.Location.Host == "localhost", landed.Headers.Location.ToString());
    }

    [Fact]
    public async Task A_mangled_query_value_opens_the_page_as_usual_instead_of_failing()
    {
        // The second step, reached after the password, with "remember me" written by hand: read as "no", not a 500.
        using var visitor = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var password = await TaxGeniusAppFactory.PostLoginAsync(visitor, TaxGenius.Core.Demo.DemoAccounts.Referrer, TaxGeniusAppFactory.DemoPassword);
        Assert.Equal("/Account/LoginWith2fa", password.Headers.Location.PathOnly());
        foreach (var remember in new[] { "1", "maybe", "True" })
        {
            using var step = await visitor.GetAsync($"/Account/LoginWith2fa?ReturnUrl=%2Freferrer&RememberMe={remember}");
            Assert.Equal(HttpStatusCode.OK, step.StatusCode);
            Assert.Contains("login-with-2fa", await step.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A request's link with a broken item id opens the documents page without the request preselected.
        using var client = await app.Factory.SignInAsync(TaxGenius.Core.Demo.DemoAccounts.Client);
        using var documents = await client.GetAsync("/client/documents?item=not-an-id");
        Assert.Equal(HttpStatusCode.OK, documents.StatusCode);
        Assert.Contains("My documents", await documents.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The account forms say what is wrong in the words the sign-in form uses, not the framework's "The Email field is required."</summary>
    [Fact]
    public async Task Account_forms_say_what_is_wrong_in_plain_words()
    {
        using var visitor = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var cases = new (string Path, string Handler, (string, string)[] Fields, string Said)[]
        {
            ("/Account/ForgotPassword", "forgot-password", [("Input.Email", "")], "Enter your e-mail address."),
            ("/Account/ForgotPassword", "forgot-password", [("Input.Email", "nope")], "Enter a valid e-mail address, like name@example.com."),
            ("/Account/Register", "register", [("Input.Email", new string('a', 300) + "@example.com"), ("Input.FirstName", "Long"), ("Input.LastName", "Address"),
                ("Input.Password", "a long enough password"), ("Input.ConfirmPassword", "a long enough password")], "Keep the e-mail address under 256 characters."),
            ("/Account/ResetPassword?code=abc", "reset-password", [("Input.Email", ""), ("Input.Password", "")], "Enter your e-mail address."),
            ("/Account/ResetPassword?code=abc", "reset-password", [("Input.Email", "nope"), ("Input.Password", "")], "Choose a new password."),
        };
        foreach (var (path, handler, fields, said) in cases)
        {
            using var answer = await FormToken.PostFormAsync(visitor, path, handler, fields);
            var html = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path}: {(int)answer.StatusCode}");
            Assert.Contains(said, html, StringComparison.Ordinal);
            Assert.DoesNotContain(" field is ", html, StringComparison.Ordinal);
        }
    }

    /// <summary>The account page's phone number follows the client profile's rules: 200 digits were once saved as they came.</summary>
    [Fact]
    public async Task The_account_phone_number_is_a_US_number_kept_in_one_form()
    {
        using var referrer = await app.Factory.SignInAsync(TaxGenius.Core.Demo.DemoAccounts.Referrer);
        using (var refused = await FormToken.PostFormAsync(referrer, "/Account/Manage", "profile", ("Input.PhoneNumber", new string('5', 200))))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("A US phone number has 10 digits", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var saved = await FormToken.PostFormAsync(referrer, "/Account/Manage", "profile", ("Input.PhoneNumber", "555.555.0100")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        using (var scope = app.Factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.Equal("+15555550100", (await users.FindByEmailAsync(TaxGenius.Core.Demo.DemoAccounts.Referrer))!.PhoneNumber);
        }

        Assert.Contains("value=\"(555) 555-0100\"", await referrer.GetStringAsync("/Account/Manage"), StringComparison.Ordinal);
    }

    /// <summary>A client has one phone number, the profile's (the one the firm sees): the account page points there instead.</summary>
    [Fact]
    public async Task A_clients_account_page_points_to_the_profile_for_the_phone_number_and_keeps_no_second_one()
    {
        const string email = "one.phone@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInAsync(email);

        var page = await client.GetStringAsync("/Account/Manage");
        Assert.Contains("account-phone-on-profile", page, StringComparison.Ordinal);
        Assert.Contains("href=\"client/profile\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.PhoneNumber", page, StringComparison.Ordinal);

        // A crafted post changes nothing.
        using (await FormToken.PostFormAsync(client, "/Account/Manage", "profile", ("Input.PhoneNumber", "555.555.0100")))
        {
        }

        using var scope = app.Factory.Services.CreateScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.PhoneNumber);
    }

    [Fact]
    public async Task An_unconfirmed_account_cannot_sign_in_and_is_told_why()
    {
        const string email = "unconfirmed@example.test";
        using (var scope = app.Factory.Services.CreateScope())
        {
            var registration = scope.ServiceProvider.GetRequiredService<AccountRegistrationService>();
            Assert.True((await registration.RegisterClientAsync(email, "twelve chars ok", "Un", "Confirmed")).Succeeded);
        }

        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await TaxGeniusAppFactory.PostLoginAsync(client, email, "twelve chars ok");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("confirm your e-mail address first", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var client = await app.Factory.SignInAsync(TaxGenius.Core.Demo.DemoAccounts.Client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);

        var page = await client.GetStringAsync("/Account/Manage");
        var token = FormToken.In(page);
        using var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var after = await client.GetAsync("/client");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/Account/Login", after.Headers.Location!.AbsolutePath);
    }

    private static async Task<Guid> CreateConfirmedClientAsync(TaxGeniusAppFactory factory, string email, string password)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Client)).Succeeded);
        return user.Id;
    }
}
