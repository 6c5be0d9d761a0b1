using System.Net;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>The Hangfire dashboard is for administrators only, also for plain HTTP requests outside Blazor.</summary>
public sealed class JobsDashboardTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static TheoryData<string> Paths => ["/admin/jobs", "/admin/jobs/jobs/enqueued", "/admin/jobs/stats", "/admin/jobs/servers"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Anonymous_requests_are_sent_to_sign_in(string path)
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location.PathOnly());
    }

    [Theory]
    [InlineData(DemoAccounts.Client)]
    [InlineData(DemoAccounts.Preparer)]
    [InlineData(DemoAccounts.Referrer)]
    public async Task Other_roles_are_refused(string email)
    {
        using var client = await app.Factory.SignInAsync(email);
        foreach (var path in Paths)
        {
            using var response = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("/Account/AccessDenied", response.Headers.Location.PathOnly());
        }

        using var post = await client.PostAsync("/admin/jobs/stats", new StringContent(""));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task An_administrator_sees_the_dashboard()
    {
        using var client = await app.Factory.SignInAsync(DemoAccounts.Admin);
        using var response = await client.GetAsync("/admin/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("TaxGenius background jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
