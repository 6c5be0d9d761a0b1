using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Identity;

public sealed class IdentityRulesTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("elevenchars", false)]          // 11 characters: too short
    [InlineData("twelvechars!", true)]          // 12, no digits or capitals needed (NIST 800-63B)
    [InlineData("all lower case words", true)]
    [InlineData("aaaaaaaaaaaa", true)]          // no composition or uniqueness rules
    [InlineData("", false)]
    public async Task Passwords_need_twelve_characters_and_nothing_else(string password, bool valid)
    {
        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            errors.AddRange((await validator.ValidateAsync(users, new ApplicationUser(), password)).Errors);
        }

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Contains(errors, e => e.Code == "PasswordTooShort");
        }
    }

    [Fact]
    public async Task Lockout_is_enabled_for_new_users()
    {
        using var scope = app.Factory.Services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        Assert.True(options.Lockout.AllowedForNewUsers);
        Assert.Equal(5, options.Lockout.MaxFailedAccessAttempts);
        Assert.True(options.SignIn.RequireConfirmedAccount);
    }

    [Fact]
    public async Task Registration_creates_the_user_the_client_role_and_the_profile_together()
    {
        using var scope = app.Factory.Services.CreateScope();
        var registration = scope.ServiceProvider.GetRequiredService<AccountRegistrationService>();
        var outcome = await registration.RegisterClientAsync("new.client@example.test", "a long enough password", "Nia", "Newman");

        Assert.True(outcome.Succeeded);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("new.client@example.test");
        Assert.NotNull(user);
        Assert.False(user.EmailConfirmed);
        Assert.Equal([Roles.Client], await users.GetRolesAsync(user));

        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var profile = await db.Profiles.SingleAsync(p => p.UserId == user.Id);
        Assert.Equal("Nia", profile.FirstName);
        Assert.Equal("Newman", profile.LastName);
    }

    [Fact]
    public async Task A_refused_registration_leaves_nothing_behind()
    {
        using var scope = app.Factory.Services.CreateScope();
        var registration = scope.ServiceProvider.GetRequiredService<AccountRegistrationService>();
        var outcome = await registration.RegisterClientAsync("short.password@example.test", "too short", "Sam", "Short");

        Assert.False(outcome.Succeeded);
        Assert.Contains(outcome.Errors, e => e.Code == "PasswordTooShort");
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "SHORT.PASSWORD@EXAMPLE.TEST"));
        Assert.False(await db.Profiles.AnyAsync(p => p.FirstName == "Sam" && p.LastName == "Short"));
    }

    [Fact]
    public async Task Registering_an_existing_address_reveals_nothing_and_changes_nothing()
    {
        using var scope = app.Factory.Services.CreateScope();
        var registration = scope.ServiceProvider.GetRequiredService<AccountRegistrationService>();
        var outcome = await registration.RegisterClientAsync(TaxGenius.Core.Demo.DemoAccounts.Client, "another long password", "Eve", "Intruder");

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.User);
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Profiles.AnyAsync(p => p.FirstName == "Eve"));
    }
}
