using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Account.Shared;

namespace TaxGenius.Tests.Web.Components;

/// <summary>The account settings' tabs: the one that stands for the page is chosen, also on the steps a tab's page leads to.</summary>
public sealed class ManageNavMenuTests : MudBunitContext
{
    [Theory]
    [InlineData("Account/Manage", "Profile")]
    [InlineData("Account/Manage/", "Profile")]
    [InlineData("Account/Manage/Email?changed=1", "E-mail")]
    [InlineData("Account/Manage/SetPassword", "Password")]
    [InlineData("Account/Manage/TwoFactorAuthentication", "Two-factor authentication")]
    [InlineData("Account/Manage/EnableAuthenticator", "Two-factor authentication")]
    [InlineData("Account/Manage/Disable2fa", "Two-factor authentication")]
    [InlineData("Account/Manage/GenerateRecoveryCodes", "Two-factor authentication")]
    [InlineData("Account/Manage/ResetAuthenticator", "Two-factor authentication")]
    [InlineData("Account/Manage/Close", "Close account")]
    public void Marks_the_tab_of_the_page_and_of_its_steps_as_chosen(string page, string tab)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("client@example.test");
        auth.SetRoles(Roles.Client);
        Services.GetRequiredService<NavigationManager>().NavigateTo(page);

        var menu = Render<ManageNavMenu>();

        var chosen = menu.FindAll("a.tg-tab.active");
        Assert.Equal([tab], chosen.Select(a => a.TextContent));
        Assert.Equal("page", chosen[0].GetAttribute("aria-current"));
        Assert.Single(menu.FindAll("a[aria-current]"));
    }

    [Theory]
    [InlineData(Roles.Client, true)]
    [InlineData(Roles.Preparer, false)]
    [InlineData(Roles.Referrer, false)]
    [InlineData(Roles.Admin, false)]
    public void Offers_consents_and_closing_the_account_to_clients_only(string role, bool client)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetRoles(role);
        Services.GetRequiredService<NavigationManager>().NavigateTo("Account/Manage/Sessions");

        var menu = Render<ManageNavMenu>();

        var tabs = menu.FindAll("a.tg-tab").Select(a => a.TextContent).ToList();
        string[] everyone = ["Profile", "E-mail", "Passkeys", "Password", "Two-factor authentication", "Sessions"];
        Assert.Equal(client ? [.. everyone, "Consents", "Close account"] : everyone, tabs);
        Assert.Equal(["Account/Manage", "Account/Manage/Email", "Account/Manage/Passkeys", "Account/Manage/ChangePassword"],
            menu.FindAll("a.tg-tab").Take(4).Select(a => a.GetAttribute("href")));
        Assert.Equal("Sessions", menu.Find("a.tg-tab.active").TextContent);
    }
}
