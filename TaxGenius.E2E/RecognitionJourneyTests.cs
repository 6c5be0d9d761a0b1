using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// Documents that explain themselves, in a real browser: a client uploads a 1099-INT of last year as "W-2" (the file's name says
/// W-2), recognition reads it within seconds and the page says so; the client accepts the change. The preparer sees the form, the
/// year and the boxes beside the document.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecognitionJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task A_1099_INT_uploaded_as_a_W2_is_caught_at_upload_and_the_preparer_sees_its_boxes()
    {
        const string clientEmail = "riley.recognized@example.test";
        await App.CreateUserAsync(clientEmail, Roles.Client);
        var year = TaxYears.Current(TimeProvider.System);

        var clientPage = await SignedInPageAsync(clientEmail, "**/client");
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        var file = await FileAsync("w2-from-bank.pdf", SampleTaxForms.Form1099("INT", year - 1, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501",
            "25-1112223", "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 0m));
        await documents.ChooseFilesAsync(file);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("w2-from-bank.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var documentId = Guid.Parse((await documents.Row("w2-from-bank.pdf").GetAttributeAsync("data-document-id"))!);

        // Within seconds, without reloading: the suggestion names what the file is and what the client chose.
        var suggestion = clientPage.GetByTestId("suggestion");
        await Assertions.Expect(suggestion.GetByTestId("suggestion-message"))
            .ToHaveTextAsync($"This looks like a 1099-INT for {year - 1} — you chose W-2 for {year}.", new() { Timeout = 15_000 });
        await clientPage.ScreenshotAsync("recognition-client-suggestion");
        await suggestion.GetByTestId("suggestion-accept").ClickAsync();
        await Assertions.Expect(suggestion).ToHaveCountAsync(0);
        var row = clientPage.Locator("tr", new() { Has = documents.Row("w2-from-bank.pdf") });
        await Assertions.Expect(row.Locator("td[data-label='Type']")).ToHaveTextAsync("1099");
        await Assertions.Expect(row.Locator("td[data-label='Tax year']")).ToHaveTextAsync((year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The outcome is said, and the warning that pointed at the suggestion goes with it at once (left alone, it would stay 5 s).
        await Assertions.Expect(clientPage.Locator(".mud-snackbar", new() { HasText = $"is now filed as 1099 for {year - 1}" })).ToBeVisibleAsync();
        await Assertions.Expect(clientPage.Locator(".mud-snackbar", new() { HasText = "See above" })).ToHaveCountAsync(0, new() { Timeout = 2_500 });
        await clientPage.ScreenshotAsync("recognition-client-accepted");

        // The preparer opens it: the form, its year and the boxes are beside the viewer.
        var preparerPage = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        var review = new ReviewPage(preparerPage);
        await review.GotoAsync(documentId);
        var recognized = preparerPage.GetByTestId("recognized");
        await Assertions.Expect(recognized.GetByTestId("recognized-kind")).ToHaveTextAsync($"1099-INT · {year - 1}");
        await Assertions.Expect(recognized.Locator("[data-testid='recognized-field'][data-key='payer_name'] [data-testid='recognized-value']"))
            .ToHaveTextAsync("Lakeside Credit Union");
        await Assertions.Expect(recognized.Locator("[data-testid='recognized-field'][data-key='box1'] [data-testid='recognized-value']")).ToHaveTextAsync("412.07");
        await Assertions.Expect(recognized.Locator("[data-testid='recognized-field'][data-key='box3'] [data-testid='recognized-value']")).ToHaveTextAsync("18.40");

        // A box read wrong is corrected in place; a value that is no amount is refused with the reason.
        var box4 = recognized.Locator("[data-testid='recognized-field'][data-key='box4']");
        await box4.GetByTestId("recognized-edit").ClickAsync();
        await box4.GetByTestId("recognized-input").FillAsync("twelve");
        await box4.GetByTestId("recognized-save").ClickAsync();
        await Assertions.Expect(box4).ToContainTextAsync("enter an amount such as 1234.56");
        await box4.GetByTestId("recognized-input").FillAsync("12.00");
        await box4.GetByTestId("recognized-save").ClickAsync();
        await Assertions.Expect(box4.GetByTestId("recognized-value")).ToHaveTextAsync("12.00");
        await Assertions.Expect(box4.GetByTestId("recognized-corrected")).ToBeVisibleAsync();
        await preparerPage.ScreenshotAsync("recognition-preparer-boxes");

        // Completing the document counts its boxes: the admin's dashboard shows the corrected box as the one read wrong.
        await review.ClaimAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("PROCESSING");
        await review.CompleteAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("COMPLETED");
        var admin = await SignedInPageAsync(DemoAccounts.Admin, "**/admin");
        var card = admin.GetByTestId("dashboard-recognition");
        await Assertions.Expect(card.GetByTestId("recognition-box")).ToHaveCountAsync(1);
        await Assertions.Expect(card.GetByTestId("recognition-box")).ToContainTextAsync("Box 4 Federal income tax withheld");
        await Assertions.Expect(card.GetByTestId("recognition-box")).ToContainTextAsync("0 of 1");
        await card.ScrollIntoViewIfNeededAsync();
        await admin.ScreenshotAsync("recognition-admin-accuracy");
    }

    [Fact]
    public async Task A_blurred_photo_is_caught_at_upload_and_replaced_by_a_sharper_one_in_two_clicks()
    {
        const string clientEmail = "blake.blurry@example.test";
        await App.CreateUserAsync(clientEmail, Roles.Client);
        var year = TaxYears.Current(TimeProvider.System);
        var form = new SyntheticForms(seed: 41).Create(Core.Recognition.FormKind.Form1099Int, FormLayout.Official, year);

        var clientPage = await SignedInPageAsync(clientEmail, "**/client");
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        await documents.ChooseFilesAsync(await FileAsync("1099-int-shaky.jpg", SampleFiles.FormPhoto(form, blurred: true)));
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("1099-int-shaky.jpg")).ToHaveAttributeAsync("data-status", "PENDING");
        var blurredId = Guid.Parse((await documents.Row("1099-int-shaky.jpg").GetAttributeAsync("data-document-id"))!);

        // Within seconds OCR finds it could read little of it: the client is told, before any preparer opens it.
        var retake = clientPage.GetByTestId("retake");
        await Assertions.Expect(retake.GetByTestId("retake-message")).ToContainTextAsync("this photo looks blurred or too dark", new() { Timeout = 30_000 });
        await clientPage.ScreenshotAsync("recognition-client-blurred");
        await clientPage.AssertAxeCleanAsync("a blurred photo's advice (light)");

        // The same advice on the client's phone, in the dark theme.
        var phone = await SignedInPageAsync(clientEmail, "**/client", colorScheme: ColorScheme.Dark, viewport: new() { Width = 390, Height = 844 });
        await new DocumentsPage(phone).GotoAsync();
        await Assertions.Expect(phone.GetByTestId("retake").GetByTestId("retake-start")).ToBeVisibleAsync();
        await phone.GetByTestId("retake").ScrollIntoViewIfNeededAsync();
        await phone.ScreenshotAsync("recognition-client-blurred-phone-dark");
        await phone.AssertAxeCleanAsync("a blurred photo's advice (dark, phone)");

        // On a small phone the upload card is out of sight above the advice: "Upload a sharper photo" brings it into view, ready to choose.
        await phone.SetViewportSizeAsync(390, 480);
        await phone.EvaluateAsync("() => window.scrollTo(0, document.body.scrollHeight)");
        await Assertions.Expect(phone.GetByTestId("choose-files")).Not.ToBeInViewportAsync();
        await phone.GetByTestId("retake").GetByTestId("retake-start").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("retaking")).ToBeInViewportAsync();
        await Assertions.Expect(phone.GetByTestId("choose-files")).ToBeFocusedAsync();

        // The preparer's queue counts it under "Needs a check", and that chip shows only what it counts, this photo among them.
        var preparerPage = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        await preparerPage.GotoAsync("/preparer/queue");
        await preparerPage.WaitForInteractiveAsync();
        var needsCheck = preparerPage.GetByTestId("queue-needs-check");
        await Assertions.Expect(needsCheck).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Needs a check · [1-9]"));
        await needsCheck.ClickAsync();
        await Assertions.Expect(needsCheck).ToHaveAttributeAsync("data-selected", "true");
        await Assertions.Expect(preparerPage.Locator($"[data-testid='queue-row'][data-document-id='{blurredId}']")).ToHaveCountAsync(1);
        var counted = int.Parse((await needsCheck.TextContentAsync())!.Split('·')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(preparerPage.GetByTestId("queue-row")).ToHaveCountAsync(counted);
        await Assertions.Expect(preparerPage.GetByTestId("queue-row-needs-check")).ToHaveCountAsync(counted);
        // Each row says why, not only that something is off.
        var blurredRow = preparerPage.Locator("tr", new() { Has = preparerPage.Locator($"[data-testid='queue-row'][data-document-id='{blurredId}']") });
        await Assertions.Expect(blurredRow.GetByTestId("queue-row-needs-check")).ToHaveTextAsync("Blurred or dark: recognition could barely read it");
        await preparerPage.Mouse.MoveAsync(0, 400);
        await preparerPage.AssertAxeCleanAsync("the queue's Needs a check filter, on");
        await preparerPage.ScreenshotAsync("recognition-preparer-needs-check");

        // A preparer who opens it meanwhile is told why its boxes are empty, and that the client was asked.
        await new ReviewPage(preparerPage).GotoAsync(blurredId);
        await Assertions.Expect(preparerPage.GetByTestId("recognized-illegible")).ToContainTextAsync("The client was asked for a sharper one.");
        await preparerPage.ScreenshotAsync("recognition-preparer-blurred");

        // "Upload a sharper photo": the next file takes the blurred one's type and year, and the blurred one goes once it is stored.
        await retake.GetByTestId("retake-start").ClickAsync();
        await Assertions.Expect(clientPage.GetByTestId("retaking")).ToContainTextAsync("1099-int-shaky.jpg");
        await documents.ChooseFilesAsync(await FileAsync("1099-int-steady.jpg", SampleFiles.FormPhoto(form, blurred: false)));
        await Assertions.Expect(clientPage.GetByTestId("retaking")).ToHaveCountAsync(0);
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("1099-int-steady.jpg")).ToHaveAttributeAsync("data-status", "PENDING");
        await Assertions.Expect(documents.Row("1099-int-shaky.jpg")).ToHaveCountAsync(0);
        var queue = clientPage.GetByTestId("upload-queue");
        await Assertions.Expect(queue.Locator("[data-file-name='1099-int-shaky.jpg']")).ToHaveCountAsync(0);
        await Assertions.Expect(queue.Locator("[data-file-name='1099-int-steady.jpg']")).ToHaveAttributeAsync("data-state", "done");
        var steady = clientPage.Locator("tr", new() { Has = documents.Row("1099-int-steady.jpg") });
        await Assertions.Expect(steady.Locator("td[data-label='Type']")).ToHaveTextAsync("1099");

        // The sharp photo is read: the same form and year as chosen, nothing to ask.
        await Assertions.Expect(documents.Row("1099-int-steady.jpg").GetByTestId("document-reading")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(clientPage.GetByTestId("suggestions")).ToHaveCountAsync(0);
        await clientPage.ScreenshotAsync("recognition-client-retaken");
    }

    [Fact]
    public async Task An_iPhone_photo_uploaded_as_HEIC_is_read_and_the_preparer_sees_it_in_the_viewer()
    {
        const string clientEmail = "harper.heic@example.test";
        await App.CreateUserAsync(clientEmail, Roles.Client);

        var clientPage = await SignedInPageAsync(clientEmail, "**/client");
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        await documents.ChooseFilesAsync(await FileAsync("1099-IMG_0412.HEIC", SampleFiles.HeicForm()));
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("1099-IMG_0412.HEIC")).ToHaveAttributeAsync("data-status", "PENDING");
        var documentId = Guid.Parse((await documents.Row("1099-IMG_0412.HEIC").GetAttributeAsync("data-document-id"))!);

        // OCR reads the photo within seconds: it is a 1099-INT for 2024, not this year's, and the client is told so.
        await Assertions.Expect(clientPage.GetByTestId("suggestion").GetByTestId("suggestion-message"))
            .ToContainTextAsync("This looks like a 1099-INT for 2024", new() { Timeout = 30_000 });

        // Browsers cannot show HEIC: the viewer gets a JPEG made from it, and OCR has read the photo's form, year and boxes.
        var preparerPage = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        var review = new ReviewPage(preparerPage);
        await review.GotoAsync(documentId);
        await Assertions.Expect(preparerPage.GetByTestId("recognized").GetByTestId("recognized-kind")).ToHaveTextAsync("1099-INT · 2024");
        await Assertions.Expect(review.Viewer).ToBeVisibleAsync();
        await preparerPage.WaitForFunctionAsync("() => { const img = document.querySelector(\"img[data-testid='review-viewer']\"); return img && img.complete && img.naturalWidth > 500; }");
        await preparerPage.ScreenshotAsync("recognition-preparer-heic");

        // The client has not answered the suggestion: the preparer files the photo as recognition read it, and the client's open page
        // drops the suggestion and shows the new year by itself.
        var recognized = preparerPage.GetByTestId("recognized");
        await Assertions.Expect(recognized.GetByTestId("recognized-mismatch")).ToContainTextAsync("recognized as 1099-INT for 2024");
        await preparerPage.AssertAxeCleanAsync("the preparer's mismatch, with the button that files it as recognized");
        await recognized.GetByTestId("recognized-refile").ClickAsync();
        await Assertions.Expect(recognized.GetByTestId("recognized-mismatch")).ToHaveCountAsync(0);
        await Assertions.Expect(preparerPage.GetByTestId("review-history-refile")).ToContainTextAsync("→ 1099 2024 (recognized) by Parker Preparer");
        await Assertions.Expect(clientPage.GetByTestId("suggestions")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        var row = clientPage.Locator("tr", new() { Has = documents.Row("1099-IMG_0412.HEIC") });
        await Assertions.Expect(row.Locator("td[data-label='Type']")).ToHaveTextAsync("1099");
        await Assertions.Expect(row.Locator("td[data-label='Tax year']")).ToHaveTextAsync("2024");
        await preparerPage.ScreenshotAsync("recognition-preparer-refiled");
    }
}
