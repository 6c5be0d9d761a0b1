using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

public sealed class SignInTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        const string email = "lockme@example.test";
        await CreateConfirmedClientAsync(email, "a correct horse battery");
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });

        for (var i = 1; i < IdentityConfiguration.MaxFailedAccessAttempts; i++)
        {
            using var failed = await TaxGeniusAppFactory.PostLoginAsync(client, email, "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("do not match an account", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The fifth failure locks the account.
        using var fifth = await TaxGeniusAppFactory.PostLoginAsync(client, email, "wrong password 5");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal("/Account/Lockout", fifth.Headers.Location.PathOnly());

        using var locked = await TaxGeniusAppFactory.PostLoginAsync(client, email, "a correct horse battery");
        Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        Assert.Equal("/Account/Lockout", locked.Headers.Location.PathOnly());

        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!));
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

    private async Task CreateConfirmedClientAsync(string email, string password)
    {
        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Client)).Succeeded);
    }
}
