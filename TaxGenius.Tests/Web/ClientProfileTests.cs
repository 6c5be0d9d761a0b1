using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Dashboards;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>The SSN through the whole app: the home checklist follows a save, and the page shows only the mask.</summary>
public sealed class ClientProfileTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Saving_an_SSN_updates_the_cached_checklist_and_the_page_shows_only_the_mask()
    {
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        Guid userId;
        using (var scope = app.Factory.Services.CreateScope())
        {
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(DemoAccounts.Client))!.Id;
        }

        var home = app.Factory.Services.GetRequiredService<RoleHomeService>();
        Assert.False((await home.GetClientSummaryAsync(userId)).SsnOnFile); // now cached

        var result = await app.Factory.Services.GetRequiredService<SsnService>().SetAsync(userId, "078-05-1120");
        Assert.True(result.Succeeded);

        Assert.True((await home.GetClientSummaryAsync(userId)).SsnOnFile);
        var html = await client.GetStringAsync("/client/profile");
        Assert.Contains("***-**-1120", html, StringComparison.Ordinal);
        Assert.DoesNotContain("078-05-1120", html, StringComparison.Ordinal);
        Assert.DoesNotContain("078051120", html, StringComparison.Ordinal);
    }
}
