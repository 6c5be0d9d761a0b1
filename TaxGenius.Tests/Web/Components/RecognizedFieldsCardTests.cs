using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Recognition;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Pages.Preparer;

namespace TaxGenius.Tests.Web.Components;

/// <summary>
/// The preparer's "Recognized" card beside a document that is still being read: it shows the reading, then the boxes once the job is
/// done, without a reload. Rendered in bUnit over the app's real services (PostgreSQL), where the card's first render always comes
/// before its first load, as it usually does in a browser.
/// </summary>
public sealed class RecognizedFieldsCardTests : MudBunitContext
{
    [Fact]
    public async Task A_document_still_being_read_shows_its_boxes_when_the_reading_is_done()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var year = TaxYears.Current(TimeProvider.System);
        var pdf = SampleTaxForms.W2(year, "Mia Lopez", "5 Elm St, Dayton, OH 45402", "XXX-XX-4321",
            "Brightline Logistics LLC", "80 Dock Rd, Toledo, OH 43604", "34-5678901", 61_250.00m, 7_010.55m, "OH", 1_830.20m);
        var client = await app.CreateUserAsync("card.reading@example.test", Roles.Client);
        var upload = await app.Services.GetRequiredService<ClientDocumentService>()
            .UploadAsync(client, new UploadRequest("w2.pdf", DocumentType.W2, year), new MemoryStream(pdf), pdf.Length);
        Assert.True(upload.Succeeded, upload.Error);
        var documentId = upload.Document!.Id;
        Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, documentId)).Status);

        // As if the job had not read it yet when the preparer opens the document.
        var db = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await SetStatusAsync(db, documentId, RecognitionStatus.Queued);

        RenderOver(app, typeof(RecognitionReviewService), typeof(ClientDocumentService));
        var preparer = new AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);

        var card = Render<RecognizedFieldsCard>(p => p.Add(c => c.DocumentId, documentId).Add(c => c.Actor, preparer));

        card.WaitForElement("[data-testid='recognized-reading']", TimeSpan.FromSeconds(10));
        Assert.Empty(card.FindAll("[data-testid='recognized-none']"));

        // The job is done: the card polls and shows the boxes (every 2 s).
        await SetStatusAsync(db, documentId, RecognitionStatus.Done);
        card.WaitForAssertion(() =>
        {
            Assert.Equal($"W-2 · {year}", card.Find("[data-testid='recognized-kind']").TextContent.Trim());
            Assert.Contains(card.FindAll("[data-testid='recognized-value']"), v => v.TextContent == "34-5678901");
        }, TimeSpan.FromSeconds(10));
        await DisposeComponentsAsync();
    }

    private static async Task SetStatusAsync(IDbContextFactory<TaxGeniusDbContext> factory, Guid documentId, RecognitionStatus status)
    {
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(1, await db.DocumentRecognitions.Where(r => r.DocumentId == documentId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status)));
    }
}
