using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>Document requests on both providers: asking moves the engagement, answers satisfy items, the last one advances it, own data only.</summary>
public sealed class DocumentRequestServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 2, 10, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_required_item_fulfilled_or_waived_moves_the_return_to_Documents_received_by_itself(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (engagements, requests) = Create(database);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test");
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var engagement = await engagements.EnsureAsync(casey, 2025);

        var asked = await requests.RequestAsync(pat, engagement.Id,
        [
            new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp"),
            new NewRequestItem(RequestKind.Form1099Int, "1099-INT from First Bank"),
            new NewRequestItem(RequestKind.Other, "Daycare receipts", Required: false),
        ]);
        Assert.True(asked.Succeeded, asked.Error);
        Assert.Equal(EngagementStage.DocumentsRequested, asked.Stage);

        var items = await requests.ListForClientAsync(casey, 2025);
        Assert.Equal(["W-2 from Acme Corp", "1099-INT from First Bank", "Daycare receipts"], items.Select(i => i.Description));
        Assert.All(items, i => Assert.Equal(RequestItemStatus.Open, i.Status));

        var w2 = await TestDocuments.AddAsync(database, casey, "w2.pdf");
        var fulfilled = await requests.FulfilAsync(casey, items[0].Id, w2);
        Assert.True(fulfilled.Succeeded, fulfilled.Error);
        Assert.Equal(EngagementStage.DocumentsRequested, fulfilled.Stage); // one required item is still open

        var noReason = await requests.MarkNotApplicableAsync(casey, items[1].Id, " ");
        Assert.False(noReason.Succeeded);
        var waived = await requests.MarkNotApplicableAsync(casey, items[1].Id, "I closed that account in 2024");
        Assert.True(waived.Succeeded, waived.Error);
        Assert.Equal(EngagementStage.DocumentsReceived, waived.Stage); // the optional receipts do not hold it back

        var history = await engagements.HistoryAsync(engagement.Id);
        Assert.Equal([EngagementStage.DocumentsRequested, EngagementStage.DocumentsReceived], history.Select(h => h.To));
        Assert.Equal(pat.UserId, history[0].ActorId);
        Assert.Null(history[1].ActorId);
        Assert.Equal(DocumentRequestService.System.Email, history[1].ActorEmail);
        Assert.Equal(DocumentRequestService.System.Email, history[1].ActorName); // the automatic advance keeps its label

        // A preparer accepts the upload and re-opens the waiver; the client sees why.
        Assert.True((await requests.AcceptAsync(pat, items[0].Id)).Succeeded);
        Assert.False((await requests.ReopenAsync(pat, items[1].Id, "")).Succeeded);
        Assert.True((await requests.ReopenAsync(pat, items[1].Id, "The bank sent a 1099-INT for 2025 after all")).Succeeded);
        var now = await requests.ListForClientAsync(casey, 2025);
        Assert.Equal(RequestItemStatus.Accepted, now[0].Status);
        Assert.Equal(RequestItemStatus.Open, now[1].Status);
        Assert.Equal("The bank sent a 1099-INT for 2025 after all", now[1].Reason);
        Assert.Equal(RequestResult.Fail("The firm has already accepted this item.").Error,
            (await requests.MarkNotApplicableAsync(casey, now[0].Id, "changed my mind")).Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_client_never_reaches_another_clients_items_or_documents_and_a_rejected_document_reopens_its_item(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (engagements, requests) = Create(database);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test");
        var mallory = await TestUsers.CreateAsync(database, "mallory@example.test");
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var engagement = await engagements.EnsureAsync(casey, 2025);
        Assert.False((await requests.RequestAsync(pat, engagement.Id, [new NewRequestItem(RequestKind.W2, "  ")])).Succeeded);
        Assert.True((await requests.RequestAsync(pat, engagement.Id, [new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp")])).Succeeded);
        var item = (await requests.ListForClientAsync(casey, 2025)).Single();

        Assert.Empty(await requests.ListForClientAsync(mallory, 2025));
        var malloryDoc = await TestDocuments.AddAsync(database, mallory, "mine.pdf");
        Assert.False((await requests.FulfilAsync(mallory, item.Id, malloryDoc)).Succeeded);
        Assert.False((await requests.MarkNotApplicableAsync(mallory, item.Id, "not mine")).Succeeded);
        Assert.False((await requests.FulfilAsync(casey, item.Id, malloryDoc)).Succeeded); // someone else's document
        Assert.Equal(RequestItemStatus.Open, (await requests.ListAsync(engagement.Id)).Single().Status);

        var w2 = await TestDocuments.AddAsync(database, casey, "w2.pdf");
        Assert.True((await requests.FulfilAsync(casey, item.Id, w2)).Succeeded);

        // The review workflow rejects the W-2: its item is open again, with the reason, in the rejection's own save.
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            await DocumentRequestService.ReopenForRejectedDocumentAsync(db, w2, "The scan is cut off.", CancellationToken.None);
            await db.SaveChangesAsync();
        }

        var reopened = (await requests.ListForClientAsync(casey, 2025)).Single();
        Assert.Equal(RequestItemStatus.Open, reopened.Status);
        Assert.Equal("The scan is cut off.", reopened.Reason);
    }

    private (EngagementService Engagements, DocumentRequestService Requests) Create(TestDatabase database)
    {
        var services = new EngagementServices(database, clock);
        return (services.Engagements, services.Requests);
    }
}
