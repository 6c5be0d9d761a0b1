using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// The client portal end to end in Chromium: sign in, complete the profile with an SSN, upload a PDF and a JPEG while progress is
/// shown, see both PENDING, and see a status change made elsewhere appear without reloading; times are shown in the browser's zone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClientPortalJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_client_completes_the_profile_uploads_two_documents_with_progress_and_sees_a_status_change_live()
    {
        const string email = "casey.journey@example.test";
        var userId = await App.CreateUserAsync(email, Roles.Client);
        // A client in Illinois: the browser's zone reaches the server (the tg-tz cookie) and every time is shown in it.
        var page = await SignedInPageAsync(email, "**/client", timeZone: "America/Chicago");
        await Assertions.Expect(page.GetByTestId("checklist-progress")).ToHaveTextAsync("0 of 5 done");

        // Profile and SSN.
        var profile = new ProfilePage(page);
        await profile.GotoAsync();
        await profile.FillAsync("Casey", "Journey", "(555) 555-0142", "12 Main St", "Springfield", "Illinois", "62701");
        await profile.SaveAsync();
        await Assertions.Expect(profile.Snackbar.Filter(new() { HasText = "Profile saved" })).ToBeVisibleAsync();
        await profile.SetSsnAsync("123-45-6789");
        Assert.Equal("***-**-6789", await profile.MaskedSsnAsync());
        Assert.DoesNotContain("123-45-6789", await page.ContentAsync(), StringComparison.Ordinal);

        // Two files: a 3 MB PDF and a 2 MB JPEG, picked together.
        var pdf = await FileAsync("w2-acme-2025.pdf", TaxGenius.Core.Demo.SamplePdf.Create("W-2 Acme Corp 2025", paddingBytes: 3_000_000));
        var jpeg = await FileAsync("1099-bank-photo.jpg", SampleFiles.Jpeg(2_000_000));

        var documents = new DocumentsPage(page);
        await documents.GotoAsync();
        await documents.ChooseFilesAsync(pdf, jpeg);
        await Assertions.Expect(documents.QueueItem("w2-acme-2025.pdf")).ToBeVisibleAsync();
        await Assertions.Expect(documents.QueueItem("1099-bank-photo.jpg")).ToBeVisibleAsync();
        // The types were guessed from the names; the person can still change them.
        await Assertions.Expect(documents.QueueItem("w2-acme-2025.pdf").GetByTestId("upload-type")).ToContainTextAsync("W-2");
        await Assertions.Expect(documents.QueueItem("1099-bank-photo.jpg").GetByTestId("upload-type")).ToContainTextAsync("1099");
        await page.ScreenshotAsync("client-documents-queue");

        // Slow the uploads to a home connection's pace so the progress bars have something to show, and record what they show.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 20, ["downloadThroughput"] = -1, ["uploadThroughput"] = 2_500_000,
        });
        await page.EvaluateAsync("""
            () => {
                window.__progress = [];
                new MutationObserver(() => document.querySelectorAll("[data-testid='upload-progress']")
                    .forEach(p => window.__progress.push(Number(p.dataset.value))))
                    .observe(document.body, { subtree: true, attributes: true, childList: true });
            }
            """);
        await documents.StartUploadAsync();
        await Assertions.Expect(page.GetByTestId("upload-progress").First).ToBeVisibleAsync();
        await page.ScreenshotAsync("client-documents-uploading");
        await Assertions.Expect(documents.Snackbar.Filter(new() { HasText = "2 documents uploaded" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
        });

        var seen = await page.EvaluateAsync<double[]>("() => window.__progress");
        Assert.Contains(seen, v => v > 0 && v < 100);
        Assert.Contains(100d, seen);

        await Assertions.Expect(documents.Row("w2-acme-2025.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        await Assertions.Expect(documents.Row("1099-bank-photo.jpg")).ToHaveAttributeAsync("data-status", "PENDING");

        // Stored as sent: the server's SHA-256 matches the file on disk.
        await using (var db = await App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.Documents.Where(d => d.UserId == userId).ToDictionaryAsync(d => d.FileName, d => d.Sha256);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(pdf))), stored["w2-acme-2025.pdf"]);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(jpeg))), stored["1099-bank-photo.jpg"]);
        }

        // A preparer somewhere else starts on the W-2: the row changes without a reload.
        var documentId = Guid.Parse((await documents.Row("w2-acme-2025.pdf").GetAttributeAsync("data-document-id"))!);
        var result = await App.Services.GetRequiredService<DocumentStatusService>().ChangeStatusAsync(documentId, DocumentStatus.Processing, null, actorIsAdmin: false);
        Assert.True(result.Succeeded, result.Error);
        await Assertions.Expect(documents.Row("w2-acme-2025.pdf")).ToHaveAttributeAsync("data-status", "PROCESSING", new() { Timeout = 2000 });
        await Assertions.Expect(documents.Snackbar.Filter(new() { HasText = "w2-acme-2025.pdf is now PROCESSING" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("client-documents-list");

        // The home page's checklist now shows the profile, the SSN and the income form done.
        await page.GetByTestId("nav-client").ClickAsync();
        await Assertions.Expect(page.GetByTestId("checklist-progress")).ToHaveTextAsync("3 of 5 done");
        await Assertions.Expect(page.GetByTestId("check-income")).ToHaveAttributeAsync("data-done", "true");
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        var zone = chicago.IsDaylightSavingTime(DateTime.UtcNow) ? "CDT" : "CST";
        await Assertions.Expect(page.GetByTestId("activity-at").First).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex($@"^[A-Z][a-z]{{2}} \d{{1,2}}, \d{{4}}, \d{{1,2}}:\d{{2}}\s[AP]M\s{zone}$"));
        // And it is the upload's time there, not UTC's.
        var shown = (await page.GetByTestId("activity-at").First.TextContentAsync())!.Replace('\u00A0', ' ');
        var local = DateTime.ParseExact(shown[..^(zone.Length + 1)], "MMM d, yyyy, h:mm tt", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
        var expected = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, chicago);
        Assert.InRange((expected - local).TotalMinutes, -1, 10);
        await page.ScreenshotAsync("client-home-checklist");
    }

    [Fact]
    public async Task The_same_file_uploaded_again_is_named_as_a_copy_and_removed_in_one_click()
    {
        const string email = "dana.duplicate@example.test";
        await App.CreateUserAsync(email, Roles.Client);
        var page = await SignedInPageAsync(email, "**/client");
        var bytes = TaxGenius.Core.Demo.SamplePdf.Create("W-2 Harbor Supply", paddingBytes: 20_000);
        var first = await FileAsync("w2-harbor.pdf", bytes);
        var again = await FileAsync("w2-harbor-copy.pdf", bytes);

        var documents = new DocumentsPage(page);
        await documents.GotoAsync();
        await documents.ChooseFilesAsync(first);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-harbor.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        await Assertions.Expect(page.GetByTestId("duplicate")).ToHaveCountAsync(0);

        // The same bytes under another name: said as soon as it is stored, naming the first.
        await documents.ChooseFilesAsync(again);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-harbor-copy.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var notice = page.GetByTestId("duplicate");
        await Assertions.Expect(notice.GetByTestId("duplicate-message")).ToContainTextAsync("this is the same file as w2-harbor.pdf, uploaded");
        await Assertions.Expect(documents.Snackbar.Filter(new() { HasText = "w2-harbor-copy.pdf is the same file as w2-harbor.pdf" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("client-documents-duplicate");

        // A client who comes back later is told on their home page too, and taken to the question.
        await page.GetByTestId("nav-client").ClickAsync();
        await Assertions.Expect(page.GetByTestId("uploads-to-check-text"))
            .ToHaveTextAsync("One of your uploads needs a look from you before your preparer starts on it.");
        await page.GetByTestId("uploads-to-check-open").ClickAsync();
        await page.WaitForURLAsync("**/client/documents#to-check");

        // One click, no dialog (nothing is lost: the first has the same bytes); the first stays.
        await notice.GetByTestId("duplicate-remove").ClickAsync();
        await Assertions.Expect(documents.Row("w2-harbor-copy.pdf")).ToHaveCountAsync(0);
        await Assertions.Expect(notice).ToHaveCountAsync(0);
        await Assertions.Expect(documents.Row("w2-harbor.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        await Assertions.Expect(documents.Snackbar.Filter(new() { HasText = "The copy was removed; w2-harbor.pdf is still there." })).ToBeVisibleAsync();

        // Sent once more and kept on purpose: the notice goes, and the preparer's page for the first leads to the copy.
        var kept = await FileAsync("w2-harbor-again.pdf", bytes);
        await documents.ChooseFilesAsync(kept);
        await documents.StartUploadAsync();
        await notice.GetByTestId("duplicate-keep").ClickAsync();
        await Assertions.Expect(notice).ToHaveCountAsync(0);
        await Assertions.Expect(documents.Row("w2-harbor-again.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var firstId = Guid.Parse((await documents.Row("w2-harbor.pdf").GetAttributeAsync("data-document-id"))!);
        await page.GetByTestId("nav-client").ClickAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("My tax year · TaxGenius");
        await Assertions.Expect(page.GetByTestId("checklist")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("uploads-to-check")).ToHaveCountAsync(0);

        var preparer = await SignedInPageAsync(TaxGenius.Core.Demo.DemoAccounts.Preparer, "**/preparer");
        var review = new ReviewPage(preparer);
        await review.GotoAsync(firstId);
        await Assertions.Expect(preparer.GetByTestId("review-same-file")).ToContainTextAsync("The client sent this same file (same SHA-256) as w2-harbor-again.pdf (PENDING,");
        await preparer.ScreenshotAsync("preparer-review-same-file");
        await preparer.GetByTestId("review-same-file-link").ClickAsync();
        await Assertions.Expect(preparer.GetByTestId("review-file-name")).ToHaveTextAsync("w2-harbor-again.pdf");
        await Assertions.Expect(preparer.GetByTestId("review-same-file-link")).ToHaveTextAsync("w2-harbor.pdf");
    }

    [Fact]
    public async Task A_refused_file_shows_the_reason_under_it_and_nothing_appears_in_the_list()
    {
        const string email = "riley.refused@example.test";
        await App.CreateUserAsync(email, Roles.Client);
        var page = await SignedInPageAsync(email, "**/client");

        var renamed = await FileAsync("w2-from-email.pdf", SampleFiles.WindowsExecutable());
        var notes = await FileAsync("notes.txt", "my W-2 is attached"u8.ToArray());
        var documents = new DocumentsPage(page);
        await documents.GotoAsync();
        await documents.ChooseFilesAsync(renamed, notes);

        // A text file is refused as soon as it is chosen, with what to send instead.
        await Assertions.Expect(documents.QueueItem("notes.txt").GetByTestId("upload-error")).ToContainTextAsync("This is a .txt file. Upload a PDF, JPEG, PNG, HEIC or TIFF file");
        await Assertions.Expect(page.GetByTestId("upload-start")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("1 file", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await documents.StartUploadAsync();

        await Assertions.Expect(documents.QueueItem("w2-from-email.pdf").GetByTestId("upload-error")).ToContainTextAsync("Windows program");
        await Assertions.Expect(documents.QueueItem("w2-from-email.pdf")).ToHaveAttributeAsync("data-state", "failed");
        // Both counted; neither offered again (the same files would be refused again).
        await Assertions.Expect(documents.Snackbar.Filter(new() { HasText = "2 files were not uploaded" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("upload-start")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("documents-empty")).ToBeVisibleAsync();
        await page.ScreenshotAsync("client-documents-refused");
    }
}
