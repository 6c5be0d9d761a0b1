using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// The review loop in two browsers: a client uploads → a preparer claims it, views it inline, rejects it with a reason → the
/// client sees REJECTED and the reason live, and the e-mail is in the outbox → the client uploads a replacement → the
/// preparer completes it → the client sees COMPLETED.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PreparerReviewJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task Upload_claim_view_reject_live_replace_complete_live()
    {
        const string clientEmail = "jordan.review@example.test";
        var clientId = await App.CreateUserAsync(clientEmail, Roles.Client);

        // The client uploads a W-2.
        var clientPage = await SignedInPageAsync(clientEmail, "**/client");
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        var blurry = await FileAsync("w2-blurry.pdf", SampleFiles.Pdf("W-2 (blurry scan)"));
        await documents.ChooseFilesAsync(blurry);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-blurry.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var firstId = Guid.Parse((await documents.Row("w2-blurry.pdf").GetAttributeAsync("data-document-id"))!);

        // The preparer claims it, views it inline and rejects it with a reason.
        var preparerPage = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        var review = new ReviewPage(preparerPage);
        var content = preparerPage.WaitForResponseAsync(r => r.Url.Contains($"/api/staff/documents/{firstId}/content", StringComparison.Ordinal));
        await review.GotoAsync(firstId);
        var response = await content;
        Assert.Equal(200, response.Status);
        Assert.StartsWith("inline", response.Headers["content-disposition"], StringComparison.Ordinal);
        await Assertions.Expect(review.Viewer).ToBeVisibleAsync();
        await review.ClaimAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("PROCESSING");
        await Assertions.Expect(preparerPage.GetByTestId("review-assignee")).ToHaveTextAsync("Claimed by you");
        const string reason = "The W-2 is too blurry to read box 1. Please upload a sharper scan.";
        await review.RejectAsync(reason);
        await Assertions.Expect(review.Status).ToHaveTextAsync("REJECTED");
        await preparerPage.ScreenshotAsync("preparer-review-rejected");

        // The client sees it live, with the reason, and has the e-mail.
        await Assertions.Expect(documents.Row("w2-blurry.pdf")).ToHaveAttributeAsync("data-status", "REJECTED", new() { Timeout = 3000 });
        await Assertions.Expect(clientPage.Locator("tr", new() { Has = documents.Row("w2-blurry.pdf") }).GetByTestId("document-reason")).ToHaveTextAsync(reason);
        var email = await App.WaitForEmailAsync(clientEmail, $"Action needed: please upload your W-2 for {TaxGenius.Core.Documents.TaxYears.Current(TimeProvider.System)} again");
        Assert.Contains(reason, email.TextBody, StringComparison.Ordinal);

        // The client replaces it.
        await clientPage.Locator("tr", new() { Has = documents.Row("w2-blurry.pdf") }).GetByTestId("document-replace").ClickAsync();
        await Assertions.Expect(clientPage.GetByTestId("replacing")).ToContainTextAsync("w2-blurry.pdf");
        var sharp = await FileAsync("w2-sharp.pdf", SampleFiles.Pdf("W-2 (sharp scan)"));
        await documents.ChooseFilesAsync(sharp);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-sharp.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var secondId = Guid.Parse((await documents.Row("w2-sharp.pdf").GetAttributeAsync("data-document-id"))!);
        await clientPage.ScreenshotAsync("client-documents-replaced");

        // The preparer completes the replacement; the client sees COMPLETED without reloading.
        await review.GotoAsync(secondId);
        await review.ClaimAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("PROCESSING");
        await review.CompleteAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("COMPLETED");
        await Assertions.Expect(documents.Row("w2-sharp.pdf")).ToHaveAttributeAsync("data-status", "COMPLETED", new() { Timeout = 3000 });
        await clientPage.ScreenshotAsync("client-documents-completed");
        await preparerPage.ScreenshotAsync("preparer-review-completed");

        // From the client card, the client's messages and their return (opened by the upload) are one click away.
        await Assertions.Expect(preparerPage.GetByTestId("review-client-messages")).ToHaveAttributeAsync("href", $"preparer/inbox/{clientId}");
        var year = TaxGenius.Core.Documents.TaxYears.Current(TimeProvider.System);
        await preparerPage.GetByTestId("review-client-return").Filter(new() { HasText = $"{year} return" }).ClickAsync();
        await preparerPage.WaitForURLAsync("**/preparer/engagements/**");
        await Assertions.Expect(preparerPage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("jordan.review@example.test");

        // The audit trail names the preparer and the address they came from.
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var trail = await db.AuditEntries.Where(a => a.SubjectId == firstId || a.SubjectId == secondId).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync();
        Assert.Contains(trail, a => a.Action == AuditActions.DocumentViewed && a.SubjectId == firstId && a.ActorEmail == DemoAccounts.Preparer && a.IpAddress is "127.0.0.1" or "::1");
        Assert.Contains(trail, a => a.Action == AuditActions.DocumentStatusChanged && a.SubjectId == firstId && a.Detail!.Contains("REJECTED", StringComparison.Ordinal));
        Assert.Contains(trail, a => a.Action == AuditActions.DocumentStatusChanged && a.SubjectId == secondId && a.Detail!.Contains("COMPLETED", StringComparison.Ordinal));
    }
}
