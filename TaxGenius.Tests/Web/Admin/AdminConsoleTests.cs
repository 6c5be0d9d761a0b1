using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Admin;

/// <summary>The admin console over HTTP on a real server: who gets in, the audit export, and sessions that end when an account changes.</summary>
public sealed class AdminConsoleTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static TheoryData<string> AdminPages => ["/admin", "/admin/users", "/admin/payouts", "/admin/audit", "/admin/outbox", "/admin/jobs", "/admin/jobs/recurring"];

    public const string ExportPath = "/api/admin/audit/export.csv";

    /// <summary>Admin-only API routes: every other role gets 403, anonymous 401 (a payout id that exists is checked too, below).</summary>
    public static readonly string[] AdminApi = [ExportPath, $"/api/admin/payouts/{Guid.CreateVersion7()}/export.csv"];

    [Theory]
    [InlineData(DemoAccounts.Client)]
    [InlineData(DemoAccounts.Preparer)]
    [InlineData(DemoAccounts.Referrer)]
    public async Task No_other_role_reaches_an_admin_page_or_the_admin_API(string email)
    {
        using var client = await app.Factory.SignInAsync(email);
        foreach (var path in AdminPages)
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{email} {path}: {(int)response.StatusCode}");
            Assert.Equal("/Account/AccessDenied", response.Headers.Location.PathOnly());
        }

        foreach (var path in AdminApi)
        {
            using var export = await client.GetAsync(path);
            Assert.True(export.StatusCode == HttpStatusCode.Forbidden, $"{email} {path}: {(int)export.StatusCode}");
            Assert.DoesNotContain("_id", await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Anonymous_requests_are_sent_to_sign_in_or_refused()
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var path in AdminPages)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/Account/Login", response.Headers.Location.PathOnly());
        }

        foreach (var path in AdminApi)
        {
            using var export = await client.GetAsync(path);
            Assert.True(export.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)export.StatusCode}");
        }
    }

    /// <summary>A real payout's CSV: the admin downloads it; every other role is refused it by id.</summary>
    [Fact]
    public async Task Only_an_administrator_downloads_a_payouts_CSV()
    {
        var referrer = await TaxGenius.Tests.Core.Referrals.ReferralProgramTests.NewReferrerAsync(app.Factory, "pia.payout@example.test", "Pia", "Payout");
        var ids = await TaxGenius.Tests.Core.Referrals.PayoutTests.ConvertedAsync(app.Factory, referrer, 12.34m, 0.66m);
        var recorded = await app.Factory.Services.GetRequiredService<TaxGenius.Core.Referrals.PayoutService>()
            .RecordPayoutAsync(await TaxGenius.Tests.Core.Referrals.PayoutTests.AdminAsync(app.Factory), ids, "ACH-77", new DateOnly(2026, 11, 2));
        Assert.True(recorded.Succeeded, recorded.Error);
        var path = $"/api/admin/payouts/{recorded.Payout!.Id}/export.csv";

        using var admin = await app.Factory.SignInAsync(DemoAccounts.Admin);
        using var response = await admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal($"{recorded.Payout.Id},2026-11-02,ACH-77,,TOTAL,,13.00", lines[^1]);
        using var unknown = await admin.GetAsync($"/api/admin/payouts/{Guid.CreateVersion7()}/export.csv");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var page = await admin.GetAsync("/admin/payouts");
        Assert.Contains("Referral payouts", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var email in new[] { DemoAccounts.Client, DemoAccounts.Preparer, DemoAccounts.Referrer })
        {
            using var other = await app.Factory.SignInAsync(email);
            using var refused = await other.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("ACH-77", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_administrator_exports_the_filtered_audit_log_as_CSV_with_formulas_neutralized()
    {
        var invitations = app.Factory.Services.GetRequiredService<StaffInvitationService>();
        var avery = await app.Factory.UserIdAsync(DemoAccounts.Admin);
        var invited = await invitations.InviteAsync(new AuditActor(avery, DemoAccounts.Admin, "203.0.113.9", UserAgent: "@SUM(1) Firefox/140"), "=cmd|calc@example.test", Roles.Preparer);
        Assert.True(invited.Succeeded, invited.Error);

        using var client = await app.Factory.SignInAsync(DemoAccounts.Admin);
        foreach (var page in new[] { "/admin/users", "/admin/audit" })
        {
            using var html = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        }

        using var response = await client.GetAsync($"{ExportPath}?action={AuditActions.UserInvited}&actor={Uri.EscapeDataString(DemoAccounts.Admin.ToUpperInvariant())}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at_utc,action,actor_id,actor_email,subject_type,subject_id,subject_user_id,detail,ip_address,user_agent,id", lines[0]);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains($",user.invited,{avery},{DemoAccounts.Admin},invitation,", row, StringComparison.Ordinal);
        // The detail starts with '=': exported with a leading quote, inside quotes because it holds a comma.
        Assert.Contains(",\"'=cmd|calc@example.test as PREPARER, expires ", row, StringComparison.Ordinal);
        // The browser is the actor's to choose, so it is neutralized like the detail.
        Assert.Contains(",203.0.113.9,'@SUM(1) Firefox/140,", row, StringComparison.Ordinal);

        using var none = await client.GetAsync($"{ExportPath}?action={AuditActions.UserInvited}&from=2001-01-01&to=2001-12-31");
        Assert.Single((await none.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Sessions_revalidate_every_minute_by_default()
    {
        var options = app.Factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(1), options.ValidationInterval);
    }

    /// <summary>A role change or a lock reaches a signed-in cookie once the validation interval (1 s here) has passed.</summary>
    [Fact]
    public async Task A_role_change_or_a_lock_ends_the_open_session_within_the_validation_interval()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?> { ["Security:RevalidationSeconds"] = "1" });
        var admin = factory.Services.GetRequiredService<UserLifecycleService>();
        var pat = await factory.CreateUserAsync("pat@example.test", Roles.Preparer);
        var quinn = await factory.CreateUserAsync("quinn@example.test", Roles.Preparer);
        AuditActor asAdmin;
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            asAdmin = new AuditActor((await users.FindByEmailAsync(DemoAccounts.Admin))!.Id, DemoAccounts.Admin, null, IsAdmin: true);
        }

        using var patSession = await factory.SignInAsync("pat@example.test");
        using var quinnSession = await factory.SignInAsync("quinn@example.test");
        Assert.Equal(HttpStatusCode.OK, (await patSession.GetAsync("/preparer")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await quinnSession.GetAsync("/preparer")).StatusCode);

        Assert.True((await admin.ChangeRoleAsync(asAdmin, pat, Roles.Referrer)).Succeeded);
        Assert.True((await admin.LockAsync(asAdmin, quinn)).Succeeded);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        foreach (var session in new[] { patSession, quinnSession })
        {
            using var response = await session.GetAsync("/preparer");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/Account/Login", response.Headers.Location.PathOnly());
        }

        // Pat signs in again with the new role; Quinn cannot sign in.
        using var patAgain = await factory.SignInAsync("pat@example.test");
        Assert.Equal(HttpStatusCode.OK, (await patAgain.GetAsync("/referrer")).StatusCode);
        using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
        using var refused = await TaxGeniusAppFactory.PostLoginAsync(anonymous, "quinn@example.test", TaxGeniusAppFactory.DemoPassword);
        Assert.Equal("/Account/Lockout", refused.Headers.Location.PathOnly());
    }

}
