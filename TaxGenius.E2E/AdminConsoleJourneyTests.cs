using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>An administrator at work: inviting a preparer who then signs up from the e-mail, and locking someone signed in elsewhere.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AdminConsoleJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    /// <summary>
    /// The circuit and cookie revalidation interval for this app; the product default is 60 s. Long enough that the demoted admin's
    /// click lands before the periodic check signs them out (at 5 s a busy CI machine let the check win the race), short enough to
    /// see that check happen within the test.
    /// </summary>
    private const int RevalidationSeconds = 15;

    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Security:RevalidationSeconds"] = RevalidationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task An_admin_invites_a_preparer_who_sets_a_password_from_the_e_mail_enrolls_an_authenticator_and_lands_on_the_preparer_home()
    {
        var admin = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        await admin.GetByTestId("admin-link-users").ClickAsync();
        var users = new AdminUsersPage(admin);
        await users.OpenAsync();
        await users.InviteAsync("morgan.preparer@example.test");
        await Assertions.Expect(users.Snackbar).ToContainTextAsync("Invitation sent to morgan.preparer@example.test");

        var mail = await App.WaitForEmailAsync("morgan.preparer@example.test", "You are invited to join TaxGenius as Preparer");
        var link = InvitationLink().Match(mail.HtmlBody ?? "").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        Assert.StartsWith(App.BaseAddress.ToString().TrimEnd('/') + "/Account/AcceptInvitation?token=", link, StringComparison.Ordinal);

        var invitee = await Browser.NewPageAsync(App.BaseAddress);
        await invitee.GotoAsync(link);
        await Assertions.Expect(invitee.GetByTestId("invitation-role")).ToHaveTextAsync("Preparer");
        await Assertions.Expect(invitee.GetByTestId("invitation-email")).ToHaveTextAsync("morgan.preparer@example.test");
        await invitee.ScreenshotAsync("admin-invitation-accept");
        await invitee.GetByTestId("invitation-password").FillAsync("short");
        await invitee.GetByTestId("invitation-confirm").FillAsync("short");
        await invitee.GetByTestId("invitation-submit").ClickAsync();
        await Assertions.Expect(invitee.GetByText("The password must be at least 12 and at most 128 characters long.")).ToBeVisibleAsync();
        await invitee.GetByTestId("invitation-password").FillAsync("prepare all the returns");
        await invitee.GetByTestId("invitation-confirm").FillAsync("prepare all the returns");
        await invitee.GetByTestId("invitation-submit").ClickAsync();

        // A preparer must have an authenticator app before anything else.
        await invitee.WaitForURLAsync(url => new Uri(url).AbsolutePath == StaffMfa.EnrollmentPath);
        var enrollment = new EnrollmentPage(invitee);
        await enrollment.EnrollAsync();
        await enrollment.ContinueAsync();
        await invitee.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/preparer");
        await invitee.WaitForInteractiveAsync();
        await Assertions.Expect(invitee.GetByTestId("nav-preparer-queue")).ToBeVisibleAsync();

        // The link worked once.
        var again = await Browser.NewPageAsync(App.BaseAddress);
        await again.GotoAsync(link);
        await Assertions.Expect(again.GetByTestId("invitation-invalid")).ToBeVisibleAsync();

        // The admin sees the new preparer, the audit trail, and the dashboard.
        await users.OpenAsync();
        await Assertions.Expect(users.Row("morgan.preparer@example.test").GetByTestId("users-role")).ToHaveTextAsync("Preparer");
        await admin.ScreenshotAsync("admin-users");
        await admin.GetByTestId("admin-link-audit").ClickAsync();
        await admin.GetByTestId("audit-interactive").WaitForAsync();
        await Assertions.Expect(admin.Locator("[data-testid='audit-row'][data-action='user.invitation_accepted']")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.Locator("[data-testid='audit-row'][data-action='user.invited']")).ToHaveCountAsync(1);
        await admin.ScreenshotAsync("admin-audit");
    }

    [Fact]
    public async Task An_admin_locks_a_user_signed_in_elsewhere_and_that_session_ends_within_a_minute()
    {
        await App.CreateUserAsync("sam.preparer@example.test", Roles.Preparer);
        await SeedCompletedDocumentAsync();
        var sam = await SignedInPageAsync("sam.preparer@example.test", "**/preparer");

        var admin = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        await Assertions.Expect(admin.GetByTestId("dashboard-turnaround")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("turnaround-average")).Not.ToHaveTextAsync("—");

        // Completed within seconds: its bar reads in seconds, not "0 hours".
        await Assertions.Expect(admin.GetByTestId("turnaround-bars")).ToContainTextAsync(InSeconds());
        await admin.ScreenshotAsync("admin-dashboard");
        var users = new AdminUsersPage(admin);
        await users.OpenAsync();
        await users.SearchAsync("sam.preparer");
        await users.RunAsync("sam.preparer@example.test", "users-lock", "Lock");
        await Assertions.Expect(users.Snackbar).ToContainTextAsync("sam.preparer@example.test is locked and signed out");
        await Assertions.Expect(users.Row("sam.preparer@example.test").GetByTestId("users-state")).ToHaveTextAsync("Locked");
        var locked = Stopwatch.StartNew();

        // Sam's open page (a live circuit) is signed out at its next revalidation and sent to sign in.
        await sam.WaitForURLAsync("**/Account/Login**", new() { Timeout = 60_000 });
        Assert.True(locked.Elapsed < TimeSpan.FromMinutes(1), $"The session ended after {locked.Elapsed}.");
        var signIn = new SignInPage(sam, App);
        await signIn.SignInAsync("sam.preparer@example.test", TaxGeniusAppFactory.DemoPassword);
        await sam.WaitForURLAsync("**/Account/Lockout");
    }

    [Fact]
    public async Task An_admin_demoted_elsewhere_is_refused_the_next_action_on_an_already_open_users_page()
    {
        // Blake, a second administrator, has the users page open (a live circuit).
        await App.CreateUserAsync("blake.admin@example.test", Roles.Admin);
        await App.CreateUserAsync("target.client@example.test", Roles.Client);
        var blake = await SignedInPageAsync("blake.admin@example.test", "**/admin");
        var users = new AdminUsersPage(blake);
        await users.OpenAsync();
        await users.SearchAsync("target.client");

        // Avery demotes Blake to preparer from another browser.
        var avery = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        var averyUsers = new AdminUsersPage(avery);
        await averyUsers.OpenAsync();
        await averyUsers.SearchAsync("blake.admin");
        await averyUsers.RunAsync("blake.admin@example.test", "users-role-preparer", "Make Preparer");
        await Assertions.Expect(averyUsers.Snackbar).ToContainTextAsync("blake.admin@example.test is now Preparer");

        // Blake's page was opened as an administrator, but the next action asks the database and is refused; nothing changes.
        await users.RunAsync("target.client@example.test", "users-lock", "Lock");
        await Assertions.Expect(users.Snackbar).ToContainTextAsync(ActorChecks.NoLongerAllowed);
        await blake.ScreenshotAsync("admin-demoted-refused");
        await averyUsers.SearchAsync("target.client");
        await Assertions.Expect(averyUsers.Row("target.client@example.test").GetByTestId("users-state")).ToHaveTextAsync("Active");

        // The demotion ended Blake's sessions: the open page is sent to sign in at its next check.
        await blake.WaitForURLAsync("**/Account/Login**", new() { Timeout = (RevalidationSeconds + 10) * 1000 });
    }

    /// <summary>A client document uploaded and completed, so the dashboard's turnaround has something to average.</summary>
    private async Task SeedCompletedDocumentAsync()
    {
        var services = App.Services;

        // The demo client's prior return was reviewed hours after its upload, as in a real firm: this check is about documents finished
        // within seconds, so its history is set aside and only the document seeded here is measured.
        await using (var db = await services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            await db.DocumentStatusChanges.Where(c => db.Documents.Any(d => d.Id == c.DocumentId && d.User!.Email == DemoAccounts.Client)).ExecuteDeleteAsync();
        }

        var client = await App.CreateUserAsync("turnaround.client@example.test", Roles.Client);
        var upload = await services.GetRequiredService<ClientDocumentService>()
            .UploadAsync(client, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SamplePdf.Create("W-2")));
        var status = services.GetRequiredService<DocumentStatusService>();
        var preparer = new TaxGenius.Core.Audit.AuditActor(await App.CreateUserAsync("turnaround.preparer@example.test", Roles.Preparer),
            "turnaround.preparer@example.test", null);
        Assert.True((await status.ClaimAsync(preparer, upload.Document!.Id)).Succeeded);
        Assert.True((await status.CompleteManyAsync(preparer, [upload.Document.Id])).Succeeded == 1);
    }

    [GeneratedRegex("href=\"([^\"]*Account/AcceptInvitation[^\"]*)\"")]
    private static partial Regex InvitationLink();

    [GeneratedRegex(@"\d+ seconds?|under a second")]
    private static partial Regex InSeconds();
}
