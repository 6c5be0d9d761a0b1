using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Engagements;

/// <summary>The client's home tells where their return stands, in plain words, and follows a move on the board (cached, invalidated).</summary>
public sealed class ClientReturnStageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_client_home_says_where_the_return_stands_and_follows_a_move_on_the_board_and_staff_only_reach_the_board()
    {
        Guid engagementId;
        uint version;
        EngagementStage stage;
        var year = TaxYears.Current(TimeProvider.System);
        await using (var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var engagement = await db.Engagements.SingleAsync(e => e.Client!.Email == DemoAccounts.Client && e.TaxYear == year);
            (engagementId, version, stage) = (engagement.Id, engagement.Version, engagement.Stage);
        }

        // The demo return waits for documents (or, after the other test here, has them all).
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        var html = await client.GetStringAsync("/client");
        Assert.Contains(EngagementStages.ForClient(stage), html, StringComparison.Ordinal);

        var moved = await app.Factory.Services.GetRequiredService<EngagementService>()
            .MoveAsync(new AuditActor(Guid.Empty, DemoAccounts.Preparer, null), engagementId, EngagementStage.InPreparation, version);
        Assert.True(moved.Succeeded, moved.Error);
        html = await client.GetStringAsync("/client");
        Assert.Contains("We are preparing your return.", html, StringComparison.Ordinal);

        // The board is staff-only: a client is sent away from it.
        using var refused = await client.GetAsync("/preparer/board");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        using var preparer = await app.Factory.SignInAsync(DemoAccounts.Preparer);
        using var board = await preparer.GetAsync("/preparer/board");
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
    }

    [Fact]
    public async Task A_preparer_rejecting_the_document_that_fulfilled_an_item_reopens_the_item_for_the_client_with_the_reason()
    {
        var year = TaxYears.Current(TimeProvider.System);
        Guid clientId, engagementId, documentId;
        await using (var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var engagement = await db.Engagements.SingleAsync(e => e.Client!.Email == DemoAccounts.Client && e.TaxYear == year);
            (clientId, engagementId) = (engagement.ClientId, engagement.Id);
            documentId = await db.Documents.Where(d => d.UserId == clientId && d.FileName == "w2-acme-corp.pdf").Select(d => d.Id).SingleAsync();
        }

        var requests = app.Factory.Services.GetRequiredService<DocumentRequestService>();
        var preparer = new AuditActor(Guid.Empty, DemoAccounts.Preparer, null);
        Assert.True((await requests.RequestAsync(preparer, engagementId, [new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp (rejection test)")])).Succeeded);
        var item = (await requests.ListForClientAsync(clientId, year)).Single(i => i.Description == "W-2 from Acme Corp (rejection test)");
        Assert.True((await requests.FulfilAsync(clientId, item.Id, documentId)).Succeeded);

        var status = app.Factory.Services.GetRequiredService<DocumentStatusService>();
        Assert.True((await status.ChangeStatusAsync(documentId, DocumentStatus.Processing, null, actorIsAdmin: false)).Succeeded);
        var rejected = await status.ChangeStatusAsync(documentId, DocumentStatus.Rejected, "Page 2 is missing.", actorIsAdmin: false);
        Assert.True(rejected.Succeeded, rejected.Error);

        var reopened = (await requests.ListForClientAsync(clientId, year)).Single(i => i.Id == item.Id);
        Assert.Equal(RequestItemStatus.Open, reopened.Status);
        Assert.Equal("Page 2 is missing.", reopened.Reason);
    }
}
