using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;

namespace TaxGenius.E2E;

/// <summary>
/// Issue 16's season in Chromium: a preparer starts 2026 for a returning client; the client answers the questionnaire, uploads
/// into the requested items and waives one; the preparer's open board moves the card by itself; the preparer drags it on.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TaxSeasonJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_returning_clients_year_is_started_answered_uploaded_into_and_moves_on_the_board_without_a_reload()
    {
        var year = TaxYears.Current(TimeProvider.System);
        await MakeCaseyReturningAsync(year);

        // The preparer opens Casey's last-year return from the board and starts this year.
        var preparer = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        await preparer.GotoAsync("/preparer/board");
        await preparer.GetByTestId("board-interactive").WaitForAsync();
        await preparer.GetByTestId("board-year").ClickAsync();
        await preparer.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = (year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ClickAsync();
        var lastYearCard = preparer.GetByTestId("board-card").Filter(new() { HasText = "Casey Client" });
        await lastYearCard.GetByTestId("board-card-open").ClickAsync();
        await preparer.WaitForURLAsync("**/preparer/engagements/*");
        await preparer.WaitForInteractiveAsync();
        await preparer.GetByTestId("start-next-year").ClickAsync();
        await Assertions.Expect(preparer.Locator(".mud-snackbar")).ToContainTextAsync($"Tax year {year} started");

        // The client got the request e-mail (delivered to the outbox), listing last year's employer and payer.
        var email = await App.WaitForEmailAsync(DemoAccounts.Client, $"Documents needed for your {year} tax return");
        Assert.Contains("W-2 from Acme Corp", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("1099-INT from First Bank", email.TextBody, StringComparison.Ordinal);

        // The preparer keeps this year's board open.
        await preparer.GotoAsync("/preparer/board");
        await preparer.GetByTestId("board-interactive").WaitForAsync();
        ILocator Column(EngagementStage stage) => preparer.Locator($"[data-testid='board-column'][data-stage='{stage}']");
        var card = preparer.GetByTestId("board-card").Filter(new() { HasText = "Casey Client" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.DocumentsRequested));

        // The client: bought a home, so a 1098 joins the list.
        var client = await SignedInPageAsync(DemoAccounts.Client, "**/client");
        var requests = client.GetByTestId("requests");
        await Assertions.Expect(requests.GetByTestId("request-item")).ToHaveCountAsync(3);
        var boughtHome = client.Locator("[data-testid='organizer-question'][data-key='bought-home']");
        await boughtHome.GetByTestId("organizer-yes").ClickAsync();
        var form1098 = requests.Locator("[data-testid='request-item'][data-description='1098 mortgage interest statement']");
        await Assertions.Expect(form1098).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("organizer-status")).ToContainTextAsync("Saved");
        await client.ScreenshotAsync("client-home-requests");

        // Upload the W-2 and the 1098 straight into their lines.
        await UploadIntoAsync(client, "W-2 from Acme Corp", "w2-acme.pdf");
        await UploadIntoAsync(client, "1098 mortgage interest statement", "1098-bank.pdf");

        // The 1099 does not apply this year: the last required item, so the return moves on by itself.
        await client.GotoAsync("/client");
        await client.WaitForInteractiveAsync();
        var interest = client.Locator("[data-testid='request-item'][data-description='1099-INT from First Bank']");
        await interest.GetByTestId("request-not-applicable").ClickAsync();
        await client.Locator("[data-testid='not-applicable-reason'] textarea, textarea[data-testid='not-applicable-reason']").First.FillAsync("I closed that account last spring");
        await client.GetByTestId("not-applicable-confirm").ClickAsync();
        await Assertions.Expect(client.Locator(".mud-snackbar")).ToContainTextAsync("that was the last item");
        await Assertions.Expect(client.GetByTestId("return-stage")).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.DocumentsReceived));

        // On the preparer's board, open all along: the card is in Documents received without a reload.
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.DocumentsReceived), new() { Timeout = 15_000 });
        await preparer.ScreenshotAsync("preparer-board-live");
        await card.DragToAsync(Column(EngagementStage.InPreparation).Locator(".mud-drop-zone"));
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.InPreparation));

        // The return's activity names who moved it as colleagues know them, and the automatic advance as such (not addresses).
        await card.GetByTestId("board-card-open").ClickAsync();
        await preparer.WaitForURLAsync("**/preparer/engagements/*");
        var activity = preparer.GetByTestId("activity-entry");
        await Assertions.Expect(activity.Filter(new() { HasText = "Documents received → In preparation" })).ToContainTextAsync("Parker Preparer");
        await Assertions.Expect(activity.Filter(new() { HasText = "Documents requested → Documents received" })).ToContainTextAsync("TaxGenius (automatic)");
        await Assertions.Expect(activity.Filter(new() { HasText = DemoAccounts.Preparer })).ToHaveCountAsync(0);

        await using (var db = await Db())
        {
            var engagement = await db.Engagements.AsNoTracking().SingleAsync(e => e.TaxYear == year && e.Client!.Email == DemoAccounts.Client);
            var moves = await db.EngagementStageChanges.AsNoTracking().Where(c => c.EngagementId == engagement.Id).OrderBy(c => c.At).Select(c => c.To).ToListAsync();
            Assert.Equal([EngagementStage.DocumentsRequested, EngagementStage.DocumentsReceived, EngagementStage.InPreparation], moves);
            Assert.Equal(1, await db.QueuedEmails.CountAsync(e => e.Template == "return-stage" && e.To == DemoAccounts.Client));
        }
    }

    private async Task UploadIntoAsync(IPage client, string description, string fileName)
    {
        await client.GotoAsync("/client");
        await client.WaitForInteractiveAsync();
        await client.Locator($"[data-testid='request-item'][data-description='{description}']").GetByTestId("request-upload").ClickAsync();
        await client.WaitForURLAsync("**/client/documents?item=*");
        var documents = new DocumentsPage(client);
        await Assertions.Expect(client.GetByTestId("uploading-for")).ToContainTextAsync(description);
        await Assertions.Expect(client.GetByTestId("choose-files")).ToBeEnabledAsync();
        await documents.ChooseFilesAsync(await FileAsync(fileName, SamplePdf.Create(description)));
        await Assertions.Expect(documents.QueueItem(fileName)).ToContainTextAsync(description);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.QueueItem(fileName)).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task A_return_with_nothing_asked_for_yet_is_sent_the_firms_list_in_one_click()
    {
        var year = TaxYears.Current(TimeProvider.System);
        var clientId = await App.CreateUserAsync("nova.notstarted@example.test", TaxGenius.Core.Identity.Roles.Client);
        var engagement = Engagement.Open(clientId, year, DateTime.UtcNow);
        await using (var db = await Db())
        {
            db.Engagements.Add(engagement);
            await db.SaveChangesAsync();
        }

        var preparer = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        await preparer.GotoAsync($"/preparer/engagements/{engagement.Id}");
        await preparer.WaitForInteractiveAsync();
        await Assertions.Expect(preparer.GetByTestId("engagement-missing")).ToHaveTextAsync("Nothing asked for yet");
        await preparer.GetByTestId("send-list").ClickAsync();
        await Assertions.Expect(preparer.Locator(".mud-snackbar")).ToContainTextAsync($"The {year} list went to the client by e-mail.");
        await Assertions.Expect(preparer.GetByTestId("engagement-header")).ToHaveAttributeAsync("data-stage", nameof(EngagementStage.DocumentsRequested));
        await Assertions.Expect(preparer.GetByTestId("engagement-item").First).ToBeVisibleAsync(); // the firm's list (Firm settings)
        await Assertions.Expect(preparer.GetByTestId("send-list")).ToHaveCountAsync(0);
        await App.WaitForEmailAsync("nova.notstarted@example.test", $"Documents needed for your {year} tax return");
        await preparer.ScreenshotAsync("preparer-engagement-list-sent");
    }

    /// <summary>
    /// Casey as a returning client: last year's return asked for a W-2 from Acme Corp and a 1099-INT from First Bank, a photo ID from
    /// last year is on file, and this year is not started yet.
    /// </summary>
    private async Task MakeCaseyReturningAsync(int year)
    {
        await using var db = await Db();
        var casey = await db.Users.SingleAsync(u => u.Email == DemoAccounts.Client);
        await db.Engagements.Where(e => e.ClientId == casey.Id && e.TaxYear == year).ExecuteDeleteAsync();
        var last = await db.Engagements.SingleAsync(e => e.ClientId == casey.Id && e.TaxYear == year - 1);
        db.RequestItems.AddRange(
            new RequestItem { EngagementId = last.Id, Kind = RequestKind.W2, Description = "W-2 from Acme Corp", SortOrder = 1, Status = RequestItemStatus.Accepted },
            new RequestItem { EngagementId = last.Id, Kind = RequestKind.Form1099Int, Description = "1099-INT from First Bank", SortOrder = 2, Status = RequestItemStatus.Accepted });
        db.Documents.Add(new Document
        {
            UserId = casey.Id, Type = DocumentType.Id, TaxYear = year - 1, FileName = "drivers-license.jpg", ContentType = "image/jpeg",
            Sha256 = new string('c', 64), StorageKey = Guid.NewGuid().ToString("N"), Status = DocumentStatus.Completed,
        });
        await db.SaveChangesAsync();
    }

    private Task<TaxGeniusDbContext> Db() => App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
}
