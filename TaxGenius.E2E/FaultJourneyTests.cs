using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// Ordinary production faults under open pages, in Chromium: PostgreSQL restarted and then stopped for about 20 s while a client,
/// a preparer and an administrator have their pages open; and the instance behind a page going away (the reconnect dialog).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FaultJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string DatabaseMessage = "We could not reach the database";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private PrivatePostgres postgres = default!;
    private TaxGeniusAppFactory app = default!;

    public async Task InitializeAsync()
    {
        postgres = await PrivatePostgres.StartNewAsync();
        app = await TaxGeniusAppFactory.CreateAsync(kestrel: true, extra: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.ConnectionString,
            // Open pages re-check their session every 2 s, so the outage spans many re-checks.
            ["Security:RevalidationSeconds"] = "2",
        });
        _ = app.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        await app.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task Open_pages_survive_a_database_restart_and_outage_say_so_keep_their_users_signed_in_and_work_after_it()
    {
        var client = await SignedInAsync(DemoAccounts.Client, "**/client");
        var documents = new DocumentsPage(client);
        await documents.GotoAsync();
        var preparer = await SignedInAsync(DemoAccounts.Preparer, "**/preparer");
        await preparer.GotoAsync("/preparer/queue");
        await preparer.WaitForInteractiveAsync();
        var admin = await SignedInAsync(DemoAccounts.Admin, "**/admin");
        var users = new AdminUsersPage(admin);
        await users.OpenAsync();

        var w2 = preparer.Locator("tr", new() { Has = preparer.GetByText("w2-acme-corp.pdf") });
        await Assertions.Expect(w2.GetByTestId("queue-row")).ToHaveAttributeAsync("data-status", "PENDING");

        // A restart: the next click on each page works as if nothing happened (every pooled connection fails once; retried).
        await postgres.RestartAsync();
        await preparer.GetByTestId("queue-count-completed").ClickAsync();
        await Assertions.Expect(preparer.GetByTestId("queue-grid")).ToContainTextAsync("-return.pdf");
        await preparer.GetByTestId("queue-count-completed").ClickAsync();
        await Assertions.Expect(preparer.GetByTestId("queue-grid")).Not.ToContainTextAsync("-return.pdf");
        await users.SearchAsync("referrer@");

        // Down for ~20 s: each action says the database cannot be reached, and the page stays alive where it was.
        await postgres.StopAsync();
        var stopped = DateTime.UtcNow;

        await w2.GetByTestId("queue-claim").ClickAsync();
        await Assertions.Expect(preparer.Locator(".mud-snackbar")).ToContainTextAsync(DatabaseMessage, new() { Timeout = 30_000 });

        await client.Locator("tr", new() { Has = documents.Row("w2-acme-corp.pdf") }).GetByTestId("document-delete").ClickAsync();
        await client.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(documents.Snackbar).ToContainTextAsync(DatabaseMessage, new() { Timeout = 30_000 });

        await users.RunAsync(DemoAccounts.Referrer, "users-lock", "Lock");
        await Assertions.Expect(users.Snackbar).ToContainTextAsync(DatabaseMessage, new() { Timeout = 30_000 });
        await admin.ScreenshotAsync("fault-admin-users-database-down");

        var elapsed = DateTime.UtcNow - stopped;
        if (elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(TimeSpan.FromSeconds(20) - elapsed);
        }

        // Many session re-checks failed meanwhile: nobody was sent to the sign-in page, no page died.
        foreach (var (page, path) in new[] { (client, "/client/documents"), (preparer, "/preparer/queue"), (admin, "/admin/users") })
        {
            Assert.Equal(path, page.PathOf());
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }

        await postgres.StartAsync();

        // Nothing was half-written: the W-2 is still PENDING and still there, the referrer not locked, no audit rows for the refused actions.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var document = await db.Documents.SingleAsync(d => d.FileName == "w2-acme-corp.pdf");
            Assert.Equal(DocumentStatus.Pending, document.Status);
            Assert.Null(document.AssignedToId);
            var referrer = await db.Users.SingleAsync(u => u.Email == DemoAccounts.Referrer);
            Assert.Null(referrer.LockedAt);
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.DocumentClaimed || a.Action == AuditActions.UserLocked));
        }

        // The next action on each page works.
        await w2.GetByTestId("queue-claim").ClickAsync();
        await Assertions.Expect(w2.GetByTestId("queue-row")).ToHaveAttributeAsync("data-status", "PROCESSING", new() { Timeout = 15_000 });
        await Assertions.Expect(documents.Row("w2-acme-corp.pdf")).ToHaveAttributeAsync("data-status", "PROCESSING", new() { Timeout = 15_000 });
        await users.RunAsync(DemoAccounts.Referrer, "users-lock", "Lock");
        await admin.ScreenshotAsync("fault-admin-users-after");
        await Assertions.Expect(users.Snackbar.Filter(new() { HasText = "locked" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(users.Row(DemoAccounts.Referrer).GetByTestId("users-state")).ToContainTextAsync("Locked");
    }

    [Fact]
    public async Task When_the_instance_behind_a_page_stops_the_reconnect_dialog_shows_one_state_at_a_time_in_the_apps_colours()
    {
        // An instance of its own on the same database, with a client's page open on it in light and in dark.
        var instance = await TaxGeniusAppFactory.CreateAsync(kestrel: true, extra: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.ConnectionString,
        });
        var pages = new List<(IPage Page, string Scheme)>();
        try
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var page = await browser.NewPageAsync(instance.BaseAddress, scheme);
                var signIn = new SignInPage(page, instance);
                await signIn.OpenAsync();
                await signIn.SignInAsync(DemoAccounts.Client, TaxGeniusAppFactory.DemoPassword);
                await page.WaitForURLAsync("**/client");
                await page.WaitForInteractiveAsync();
                pages.Add((page, scheme == ColorScheme.Dark ? "dark" : "light"));
            }
        }
        finally
        {
            // The instance dies under the open pages.
            await instance.DisposeAsync();
        }

        foreach (var (page, name) in pages)
        {
            // Reconnecting: that message only, with the spinner; no "failed", no buttons.
            var dialog = page.Locator("#components-reconnect-modal");
            await Assertions.Expect(dialog).ToBeVisibleAsync(Slow);
            await Assertions.Expect(dialog.GetByText("Reconnecting…")).ToBeVisibleAsync();
            await Assertions.Expect(dialog.GetByText("The connection to TaxGenius was lost")).ToBeHiddenAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
            await page.ScreenshotAsync($"fault-reconnecting-{name}");
            await page.AssertAxeCleanAsync($"reconnecting ({name})");

            // Given up (Blazor's own attempts end after minutes; the event it sends then is sent here at once): one message, and
            // "Reload the page" as the obvious, focused action.
            // Once Blazor has given up it neither sends events nor touches the dialog; its retry loop is still running here, and
            // each later attempt would put its own "retrying" class on the dialog and send a "retrying" event. Both are held back
            // after the "failed" one, as they would not exist after a real failure.
            await dialog.EvaluateAsync("""
                d => {
                    d.dispatchEvent(new CustomEvent('components-reconnect-state-changed', { detail: { state: 'failed' } }));
                    d.addEventListener('components-reconnect-state-changed', e => e.stopImmediatePropagation(), { capture: true });
                    d.classList.add = d.classList.remove = () => {};
                }
                """);
            await Assertions.Expect(dialog.GetByText("The connection to TaxGenius was lost")).ToBeVisibleAsync();
            await Assertions.Expect(dialog.GetByText("Reconnecting…")).ToBeHiddenAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Reload the page" })).ToBeFocusedAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeHiddenAsync();
            await page.ScreenshotAsync($"fault-reconnect-failed-{name}");
            await page.AssertAxeCleanAsync($"reconnect failed ({name})");

            // The bar Blazor shows when a page's circuit has ended: readable in the app's colours, Reload as the action.
            await dialog.EvaluateAsync("d => d.close()");
            await page.EvaluateAsync("() => document.getElementById('blazor-error-ui').style.display = 'block'");
            var bar = page.Locator("#blazor-error-ui");
            await Assertions.Expect(bar).ToContainTextAsync("This page stopped working.");
            await Assertions.Expect(bar.GetByRole(AriaRole.Link, new() { Name = "Reload" })).ToBeVisibleAsync();
            await page.ScreenshotAsync($"fault-error-bar-{name}");
            await page.AssertAxeCleanAsync($"error bar ({name})");
        }
    }

    [Fact]
    public async Task An_admin_sees_the_mail_given_up_during_an_SMTP_outage_with_the_reason_and_resends_it_once()
    {
        await using var smtp = new SmtpSink(); // down
        await using var instance = await TaxGeniusAppFactory.CreateAsync(kestrel: true, extra: new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:Delivery:GiveUpAfter"] = "00:00:03",
            ["Email:Delivery:MaxBackoff"] = "00:00:01",
        });
        var queue = instance.Services.GetRequiredService<TaxGenius.Core.Email.EmailQueue>();
        var id = await queue.QueueAsync("pat@example.test", new TaxGenius.Core.Email.Templates.WelcomeEmail("Pat", "http://localhost/"));
        var undelivered = instance.Services.GetRequiredService<TaxGenius.Core.Email.UndeliveredEmails>();

        // Giving up takes 3 s of retries, then the retry's scheduling: on a busy 2-core machine that once took longer than 15 s.
        for (var i = 0; i < 600 && (await undelivered.ListAsync()).GivenUp == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1, (await undelivered.ListAsync()).GivenUp);

        var page = await browser.NewPageAsync(instance.BaseAddress);
        var signIn = new SignInPage(page, instance);
        await signIn.OpenAsync();
        await signIn.SignInAsync(DemoAccounts.Admin, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync("**/admin");
        await page.GotoAsync("/admin/outbox");
        await page.GetByTestId("outbox-interactive").WaitForAsync();

        var table = page.GetByTestId("undelivered");
        await Assertions.Expect(page.GetByTestId("given-up-count")).ToContainTextAsync("1 given up");
        await Assertions.Expect(table).ToContainTextAsync("pat@example.test");
        await Assertions.Expect(table).ToContainTextAsync("Given up");
        await Assertions.Expect(table).ToContainTextAsync("SocketException");
        await page.ScreenshotAsync("admin-outbox-given-up");
        await page.AssertAxeCleanAsync("outbox with a given-up message");

        await smtp.StartAsync();
        await table.GetByTestId("resend").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("is queued again");
        for (var i = 0; i < 200 && smtp.Messages.Count == 0; i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000);
        Assert.Single(smtp.Messages);
        Assert.Equal($"{id:N}@taxgenius", MimeKit.MimeMessage.Load(smtp.Messages[0]).MessageId);
        await page.Locator("[aria-label='Refresh']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("all-delivered")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignedInAsync(string email, string landingGlob)
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var signIn = new SignInPage(page, app);
        await signIn.OpenAsync();
        await signIn.SignInAsync(email, TaxGeniusAppFactory.DemoPassword);
        await page.WaitForURLAsync(landingGlob);
        await page.WaitForInteractiveAsync();
        return page;
    }
}
