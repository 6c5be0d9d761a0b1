using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Live;
using TaxGenius.Core.Recognition;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Recognition;

/// <summary>
/// Recognition as the app runs it (PostgreSQL, Redis, Hangfire's recognition queue): an upload is read by itself, the boxes are stored
/// encrypted, and the decrypted copy Tesseract reads never outlives the job, whether it succeeds, fails or runs out of time. Tesseract is
/// played by a script here, so each outcome can be forced; it answers with the TSV of a real form's words.
/// </summary>
public sealed class RecognitionJobTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("tg-ocr-test-").FullName;

    private string WorkFolder => Path.Combine(folder, "work");

    private string Seen => Path.Combine(folder, "seen.txt");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A stand-in for tesseract: notes the file it was given and its permissions, then does <paramref name="body"/>.</summary>
    private string FakeTesseract(string body)
    {
        var path = Path.Combine(folder, $"tesseract-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$1 $(stat -c %a \"$1\") $(stat -c %a \"$(dirname \"$1\")\")\" >> '{Seen}'\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>
    /// The TSV Tesseract would print for a scan of <paramref name="pdf"/> at 2 pixels per point, each word at
    /// <paramref name="confidence"/>; the words <paramref name="lost"/> picks are reported as unreadable guesses (confidence 10).
    /// </summary>
    private string TsvOf(byte[] pdf, int confidence = 95, Func<TextWord, bool>? lost = null)
    {
        using var stream = new MemoryStream(pdf);
        var text = PdfTextReader.Read(stream);
        var tsv = new StringBuilder("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n");
        tsv.Append("1\t1\t0\t0\t0\t0\t0\t0\t1224\t1584\t-1\t\n");
        var n = 0;
        foreach (var word in text.Pages[0].Lines.SelectMany(l => l))
        {
            tsv.Append(CultureInfo.InvariantCulture,
                $"5\t1\t1\t1\t1\t{++n}\t{(int)(word.Left * 2)}\t{(int)(word.Top * 2)}\t{(int)((word.Right - word.Left) * 2)}\t{(int)((word.Bottom - word.Top) * 2)}\t{(lost?.Invoke(word) == true ? 10 : confidence)}\t{word.Text}\n");
        }

        var path = Path.Combine(folder, $"ocr-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, tsv.ToString());
        return path;
    }

    private async Task<TaxGeniusAppFactory> AppAsync(string tesseract, int timeLimit = 60, int attempts = 1,
        IReadOnlyDictionary<string, string?>? settings = null) =>
        await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Recognition:TesseractPath"] = tesseract,
            ["Recognition:WorkPath"] = WorkFolder,
            ["Recognition:TimeLimitSeconds"] = timeLimit.ToString(CultureInfo.InvariantCulture),
            ["Recognition:MaxAttempts"] = attempts.ToString(CultureInfo.InvariantCulture),
        });

    private static async Task<(Guid UserId, Guid DocumentId)> UploadAsync(TaxGeniusAppFactory app, string email, string name, byte[] content,
        DocumentType type, int year)
    {
        var userId = await app.CreateUserAsync(email, Roles.Client);
        var result = await app.Services.GetRequiredService<ClientDocumentService>()
            .UploadAsync(userId, new UploadRequest(name, type, year), new MemoryStream(content), content.Length);
        Assert.True(result.Succeeded, result.Error);
        Assert.True(result.Document!.BeingRead);
        return (userId, result.Document.Id);
    }

    private int Year => TaxYears.Current(TimeProvider.System);

    /// <summary>A 1099-INT of Lakeside Credit Union (box 1 <paramref name="box1"/>, 412.07 unless given) for <paramref name="year"/>.</summary>
    private static byte[] LakesideInterest(int year, decimal box1 = 412.07m) => SampleTaxForms.Form1099("INT", year, "Lakeside Credit Union",
        "1 Shore Dr, Erie, PA 16501", "25-1112223", "Sam Ortiz", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", box1, 0m, 0m);

    /// <summary>What Tesseract's English model reads of a blurred photo of this year's <see cref="LakesideInterest"/>: mostly guesses
    /// (confidence 40), and box 1's amount lost.</summary>
    private string BlurredLakesideTsv() =>
        TsvOf(LakesideInterest(Year), confidence: 40, lost: w => w.Text.Contains("412.07", StringComparison.Ordinal));

    /// <summary>A W-2 of Brightline Logistics LLC (EIN 34-5678901, box 1 61,250.00) for <paramref name="year"/>.</summary>
    private static byte[] BrightlineW2(int year) => SampleTaxForms.W2(year, "Mia Lopez", "5 Elm St, Dayton, OH 45402", "XXX-XX-4321",
        "Brightline Logistics LLC", "80 Dock Rd, Toledo, OH 43604", "34-5678901", 61_250.00m, 7_010.55m, "OH", 1_830.20m);

    [Fact]
    public async Task A_text_PDF_is_read_by_itself_after_upload_and_its_boxes_are_stored_encrypted()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var pdf = BrightlineW2(Year);
        var (_, documentId) = await UploadAsync(app, "pdf.reader@example.test", "w2.pdf", pdf, DocumentType.W2, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Done, FormKind.W2, Year, TextSource.PdfText), (row.Status, row.Kind, row.TaxYear, row.Source));
        var fields = app.Services.GetRequiredService<RecognitionFields>().Read(row).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(("Brightline Logistics LLC", "34-5678901", "61250.00", "***-**-4321"),
            (fields["employer_name"], fields["employer_ein"], fields["box1"], fields[Recognizer.TaxpayerNumberField]));

        // At rest: ciphertext only (the employer's name is in neither column), and the PDF was read in memory (no work folder used).
        Assert.DoesNotContain("Brightline", row.TextCipher!, StringComparison.Ordinal);
        Assert.DoesNotContain("Brightline", row.FieldsCipher!, StringComparison.Ordinal);
        Assert.False(File.Exists(Seen));
    }

    [Fact]
    public async Task The_demo_clients_documents_are_sample_forms_that_recognition_reads_as_what_she_said_they_are()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        Dictionary<string, Guid> casey;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            casey = await db.Documents.Where(d => d.User!.Email == DemoAccounts.Client).ToDictionaryAsync(d => d.FileName, d => d.Id);
        }

        var fields = app.Services.GetRequiredService<RecognitionFields>();
        var w2 = await Recognitions.SettledAsync(app, casey["w2-acme-corp.pdf"]);
        Assert.Equal((FormKind.W2, Year, TextSource.PdfText), (w2.Kind, w2.TaxYear, w2.Source));
        var boxes = fields.Read(w2).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(("Acme Corp", "58250.00", "6120.00"), (boxes["employer_name"], boxes["box1"], boxes["box2"]));
        var interest = await Recognitions.SettledAsync(app, casey["1099-int-first-bank.pdf"]);
        Assert.Equal((FormKind.Form1099Int, Year, "412.55"), (interest.Kind, interest.TaxYear, fields.Read(interest).Single(f => f.Key == "box1").Value));
        var lastYear = await Recognitions.SettledAsync(app, casey[$"{Year - 1}-return.pdf"]);
        Assert.Equal((FormKind.Form1040, Year - 1), (lastYear.Kind, lastYear.TaxYear));
    }

    [Fact]
    public async Task A_photo_is_read_by_OCR_from_a_private_copy_that_is_gone_when_the_job_ends()
    {
        var tsv = TsvOf(LakesideInterest(Year - 1));
        await using var app = await AppAsync(FakeTesseract($"cat '{tsv}'"));
        var (_, documentId) = await UploadAsync(app, "photo.reader@example.test", "statement.png", SampleFiles.Png(), DocumentType.W2, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Done, FormKind.Form1099Int, Year - 1, TextSource.Ocr, false),
            (row.Status, row.Kind, row.TaxYear, row.Source, row.Illegible));
        var fields = app.Services.GetRequiredService<RecognitionFields>().Read(row).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(("Lakeside Credit Union", "412.07"), (fields["payer_name"], fields["box1"]));

        // Tesseract read a file only its owner can open, in a folder only its owner can enter, and both are gone.
        var seen = File.ReadAllLines(Seen).Single().Split(' ');
        Assert.Equal(("600", "700"), (seen[1], seen[2]));
        Assert.StartsWith(WorkFolder, seen[0], StringComparison.Ordinal);
        Assert.False(File.Exists(seen[0]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task A_photo_OCR_could_barely_read_asks_its_owner_for_a_sharper_one_until_they_keep_it_and_the_preparer_is_told()
    {
        // Tesseract was mostly guessing and box 1's amount was lost in the blur.
        var tsv = BlurredLakesideTsv();
        await using var app = await AppAsync(FakeTesseract($"cat '{tsv}'"));
        var (userId, documentId) = await UploadAsync(app, "blurry.photo@example.test", "IMG_2231.png", SampleFiles.Png(), DocumentType.Form1099, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Done, FormKind.Form1099Int, true, true), (row.Status, row.Kind, row.Illegible, row.NeedsCheck));
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        var view = (await documents.ListAsync(userId)).Single();
        Assert.Equal((true, (RecognitionSuggestion?)null, "photo"), (view.RetakeSuggested, view.Suggestion, view.PictureWord));
        using (var owner = await app.SignInForApiAsync("blurry.photo@example.test"))
        {
            Assert.True((await owner.GetFromJsonAsync<JsonElement>($"/api/documents/{documentId}")).GetProperty("retakeSuggested").GetBoolean());
        }

        using var preparer = await app.SignInForApiAsync(DemoAccounts.Preparer);
        var review = await preparer.GetFromJsonAsync<JsonElement>($"/api/staff/documents/{documentId}/recognition");
        Assert.Equal((true, false), (review.GetProperty("illegible").GetBoolean(), review.GetProperty("clientKeptIt").GetBoolean()));

        // Another client cannot dismiss the advice; its owner keeps the photo and is not asked again; the preparer sees that.
        var intruder = await app.CreateUserAsync("not.the.owner@example.test", Roles.Client);
        await documents.DismissSuggestionAsync(intruder, documentId);
        Assert.True((await documents.ListAsync(userId)).Single().RetakeSuggested);
        await documents.DismissSuggestionAsync(userId, documentId);
        Assert.False((await documents.ListAsync(userId)).Single().RetakeSuggested);
        review = await preparer.GetFromJsonAsync<JsonElement>($"/api/staff/documents/{documentId}/recognition");
        Assert.Equal((true, true), (review.GetProperty("illegible").GetBoolean(), review.GetProperty("clientKeptIt").GetBoolean()));
    }

    [Fact]
    public async Task A_photo_read_mostly_as_guesses_is_read_again_from_the_same_private_copy_by_the_reader_trained_for_blur()
    {
        // Tesseract's English model lost box 1 in the blur; the reader trained for blurred print reads it.
        var english = BlurredLakesideTsv();
        var trained = TsvOf(LakesideInterest(Year), confidence: 70);
        var arguments = Path.Combine(folder, "arguments.txt");
        await using var app = await AppAsync(FakeTesseract(
            $"echo \"$*\" >> '{arguments}'\ncase \"$*\" in *\"-l {TesseractOcr.BlurModelLanguage}\"*) cat '{trained}' ;; *) cat '{english}' ;; esac"));
        var (_, documentId) = await UploadAsync(app, "blurred.reader@example.test", "IMG_3001.png", SampleFiles.Png(), DocumentType.Form1099, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        var fields = app.Services.GetRequiredService<RecognitionFields>().Read(row).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal((RecognitionStatus.Done, FormKind.Form1099Int, "412.07"), (row.Status, row.Kind, fields.GetValueOrDefault("box1")));

        // Once, with the model shipped beside the app, on the photo as taken (not its sharpened copy), from the same private copy.
        var calls = File.ReadAllLines(arguments);
        var withModel = Assert.Single(calls, c => c.Contains($"-l {TesseractOcr.BlurModelLanguage}", StringComparison.Ordinal));
        Assert.Contains($"--tessdata-dir {TesseractOcr.BundledBlurModel}", withModel, StringComparison.Ordinal);
        Assert.DoesNotContain("sharpened", withModel, StringComparison.Ordinal);
        var page = withModel.Split(' ')[0];
        Assert.Contains(calls, c => c.StartsWith($"{page} stdout --psm 6 -l eng", StringComparison.Ordinal));
        Assert.All(File.ReadAllLines(Seen), seen => Assert.StartsWith(WorkFolder, seen, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task With_the_blur_model_setting_emptied_a_photo_read_mostly_as_guesses_is_read_by_the_English_model_only()
    {
        var english = BlurredLakesideTsv();
        var arguments = Path.Combine(folder, "arguments.txt");
        await using var app = await AppAsync(FakeTesseract($"echo \"$*\" >> '{arguments}'\ncat '{english}'"),
            settings: new Dictionary<string, string?> { ["Recognition:BlurModelPath"] = "" });
        var (_, documentId) = await UploadAsync(app, "english.only@example.test", "IMG_3002.png", SampleFiles.Png(), DocumentType.Form1099, Year);

        Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, documentId)).Status);
        var calls = File.ReadAllLines(arguments);
        Assert.Contains(calls, c => c.Contains("--psm 6 -l eng", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains(TesseractOcr.BlurModelLanguage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blur_model_setting_naming_a_folder_without_the_model_refuses_to_start_and_names_the_setting()
    {
        await using var app = TaxGeniusAppFactory.CreateEmbedded(extra: new Dictionary<string, string?> { ["Recognition:BlurModelPath"] = folder });
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error.InnerException ?? error, exactMatch: false);
        Assert.Contains("Recognition:BlurModelPath", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_OCR_found_no_word_in_is_unreadable_and_its_owner_is_asked_for_another()
    {
        await using var app = await AppAsync(FakeTesseract("printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n'"));
        var (userId, documentId) = await UploadAsync(app, "dark.photo@example.test", "IMG_0007.png", SampleFiles.Png(), DocumentType.W2, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Unreadable, true), (row.Status, row.Illegible));
        Assert.True((await app.Services.GetRequiredService<ClientDocumentService>().ListAsync(userId)).Single().RetakeSuggested);
    }

    [Fact]
    public async Task A_failing_OCR_leaves_no_copy_and_marks_the_recognition_failed_not_the_document()
    {
        await using var app = await AppAsync(FakeTesseract("echo 'read error' >&2; exit 3"));
        var (userId, documentId) = await UploadAsync(app, "ocr.fails@example.test", "id.png", SampleFiles.Png(), DocumentType.Id, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Failed, "The document could not be read.", 1), (row.Status, row.Error, row.Attempts));
        Assert.Single(File.ReadAllLines(Seen));
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
        var document = await app.Services.GetRequiredService<ClientDocumentService>().FindAsync(userId, documentId);
        Assert.Equal(DocumentStatus.Pending, document!.Status);
    }

    [Fact]
    public async Task An_OCR_that_runs_out_of_time_is_stopped_its_copy_removed_and_retried_until_it_gives_up()
    {
        await using var app = await AppAsync(FakeTesseract("sleep 60"), timeLimit: 5, attempts: 2);
        var (_, documentId) = await UploadAsync(app, "ocr.slow@example.test", "scan.png", SampleFiles.Png(), DocumentType.Other, Year);

        // The first attempt times out and queues the document again; the sweep (run here instead of waiting a minute) retries it.
        var first = await Recognitions.RowAsync(app, documentId);
        for (var deadline = DateTime.UtcNow.AddSeconds(40); first.Error is null && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            first = await Recognitions.RowAsync(app, documentId);
        }

        Assert.Equal(RecognitionStatus.Queued, first.Status);
        Assert.Equal("Reading took longer than 5 s.", first.Error);

        // 2 if the minutely sweep has already claimed the second attempt: a claim counts its attempt.
        Assert.InRange(first.Attempts, 1, 2);
        // The first attempt's folder is gone. (Only that folder: the document is queued again, so the minutely sweep may already
        // have started the second attempt in a folder of its own.)
        var firstFolder = Path.GetDirectoryName(File.ReadLines(Seen).First().Split(' ')[0])!;
        Assert.StartsWith(WorkFolder, firstFolder, StringComparison.Ordinal);
        Assert.False(Directory.Exists(firstFolder));
        await app.Services.GetRequiredService<RecognitionService>().SweepAsync(CancellationToken.None);
        var last = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Failed, 2), (last.Status, last.Attempts));
        Assert.Equal(2, File.ReadAllLines(Seen).Length);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task A_document_whose_reader_died_with_its_process_at_every_attempt_is_given_up_without_reading_it_again()
    {
        await using var app = await AppAsync(FakeTesseract("sleep 60"), timeLimit: 60, attempts: 1);
        var (userId, documentId) = await UploadAsync(app, "ocr.crash@example.test", "w2.png", SampleFiles.Png(), DocumentType.W2, Year);

        // The attempt is counted when the reading starts, not when it ends.
        for (var deadline = DateTime.UtcNow.AddSeconds(40); !File.Exists(Seen) && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
        }

        var reading = await Recognitions.RowAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Queued, 1), (reading.Status, reading.Attempts));
        Assert.NotNull(reading.ClaimedUntil);

        // As after a crash that took the process down mid-read: nothing was saved, and the claim runs out. The restarted instance's
        // sweep signals the document again, and with its only attempt spent, it is given up instead of read (and crashed on) again.
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.DocumentRecognitions.Where(r => r.DocumentId == documentId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedUntil, DateTime.UtcNow.AddMinutes(-1)));
        }

        await using var owner = await LiveListener.ConnectAsync(app, "ocr.crash@example.test");
        await app.Services.GetRequiredService<RecognitionService>().RecognizeAsync(documentId, CancellationToken.None);
        var row = await Recognitions.RowAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Failed, "The document could not be read.", 2, (DateTime?)null), (row.Status, row.Error, row.Attempts, row.ClaimedUntil));

        // The owner's page hears of it live, as of any other outcome, instead of showing "being read" until the next load.
        var told = await owner.WaitForAsync<DocumentRecognized>(LiveEventNames.Recognition, e => e.DocumentId == documentId, TimeSpan.FromSeconds(15));
        Assert.Equal((userId, RecognitionStatus.Failed), (told.OwnerId, told.Status));
        Assert.Single(File.ReadAllLines(Seen));
        var document = await app.Services.GetRequiredService<ClientDocumentService>().FindAsync(userId, documentId);
        Assert.Equal(DocumentStatus.Pending, document!.Status);
    }

    [Fact]
    public async Task A_reading_interrupted_by_shutdown_gives_its_attempt_back_and_releases_the_document_at_once()
    {
        await using var app = await AppAsync(FakeTesseract("sleep 60"), timeLimit: 60, attempts: 2);
        var (_, documentId) = await UploadAsync(app, "ocr.deploy@example.test", "w2.png", SampleFiles.Png(), DocumentType.W2, Year);
        for (var deadline = DateTime.UtcNow.AddSeconds(40); !File.Exists(Seen) && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
        }

        // The app's own reader holds the claim; as if it had died, the claim runs out, and a reader of this test's takes the document
        // with its second attempt. Then that reader's instance stops (its job's token fires) while Tesseract is still at work.
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.DocumentRecognitions.Where(r => r.DocumentId == documentId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedUntil, DateTime.UtcNow.AddMinutes(-1)));
        }

        using var shutdown = new CancellationTokenSource();
        var reading = app.Services.GetRequiredService<RecognitionService>().RecognizeAsync(documentId, shutdown.Token);
        for (var deadline = DateTime.UtcNow.AddSeconds(40); File.ReadAllLines(Seen).Length < 2 && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
        }

        Assert.Equal(2, (await Recognitions.RowAsync(app, documentId)).Attempts);
        var folder = Path.GetDirectoryName(File.ReadAllLines(Seen)[1].Split(' ')[0])!;
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        // Not a failure: the attempt is given back (two allowed, the "dead" reader's spent: two counted would mean giving up at the
        // next claim), the claim is released for the next instance's sweep, and the decrypted copy is gone.
        var row = await Recognitions.RowAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Queued, 1, (DateTime?)null, (string?)null), (row.Status, row.Attempts, row.ClaimedUntil, row.Error));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_damaged_photo_is_marked_unreadable_at_once_without_retries_or_OCR()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"), attempts: 3);
        var (_, documentId) = await UploadAsync(app, "damaged.photo@example.test", "w2.jpg", SampleFiles.Jpeg(), DocumentType.W2, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal((RecognitionStatus.Unreadable, "This image could not be opened; it may be damaged.", 1), (row.Status, row.Error, row.Attempts));
        Assert.False(File.Exists(Seen));
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task A_scanned_PDF_and_an_iPhone_HEIC_photo_are_read_by_real_OCR_after_upload()
    {
        // Debian's Tesseract itself (scripts/test.sh installs it), on ImageMagick's prepared pages.
        await using var app = await AppAsync("tesseract");
        var w2 = new SyntheticForms(seed: 5).Create(FormKind.W2, FormLayout.Official, Year);
        var (_, scanId) = await UploadAsync(app, "scan.reader@example.test", "scan.pdf", SampleFiles.ScannedPdf(w2.Sheet.ToImage()), DocumentType.W2, Year);
        var (_, photoId) = await UploadAsync(app, "heic.reader@example.test", "IMG_0042.heic", SampleFiles.HeicForm(), DocumentType.Form1099, 2024);

        var scan = await Recognitions.SettledAsync(app, scanId);
        Assert.Equal((RecognitionStatus.Done, FormKind.W2, Year, TextSource.Ocr), (scan.Status, scan.Kind, scan.TaxYear, scan.Source));
        var scanFields = app.Services.GetRequiredService<RecognitionFields>().Read(scan).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal((w2.Expected["employer_name"], w2.Expected["box1"]), (scanFields.GetValueOrDefault("employer_name"), scanFields.GetValueOrDefault("box1")));

        var photo = await Recognitions.SettledAsync(app, photoId);
        Assert.Equal((RecognitionStatus.Done, FormKind.Form1099Int, 2024, TextSource.Ocr), (photo.Status, photo.Kind, photo.TaxYear, photo.Source));
        Assert.False(photo.NeedsCheck);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task Without_tesseract_a_photo_is_marked_unreadable_with_the_reason()
    {
        await using var app = await AppAsync(Path.Combine(folder, "no-such-tesseract"));
        var (_, documentId) = await UploadAsync(app, "no.ocr@example.test", "w2.png", SampleFiles.Png(), DocumentType.W2, Year);

        var row = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal(RecognitionStatus.Unreadable, row.Status);
        Assert.Contains("tesseract-ocr", row.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkFolder));
    }

    [Fact]
    public async Task A_1099_INT_uploaded_as_a_W2_for_the_wrong_year_gets_a_suggestion_that_changes_both_when_accepted()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var pdf = LakesideInterest(Year - 1);
        var (userId, documentId) = await UploadAsync(app, "wrong.type@example.test", "statement.pdf", pdf, DocumentType.W2, Year);
        Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, documentId)).Status);

        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        var suggestion = (await documents.ListAsync(userId)).Single().Suggestion;
        Assert.NotNull(suggestion);
        Assert.Equal($"This looks like a 1099-INT for {Year - 1} — you chose W-2 for {Year}.", suggestion.Message);
        Assert.Equal((DocumentType.Form1099, Year - 1), (suggestion.SuggestedType, suggestion.SuggestedYear));
        using var owner = await app.SignInForApiAsync("wrong.type@example.test");
        var listed = (await owner.GetFromJsonAsync<JsonElement>("/api/documents")).EnumerateArray().Single().GetProperty("suggestion");
        Assert.Equal((suggestion.Message, "FORM_1099", Year - 1),
            (listed.GetProperty("message").GetString(), listed.GetProperty("suggestedType").GetString(), listed.GetProperty("suggestedYear").GetInt32()));
        var single = await owner.GetFromJsonAsync<JsonElement>($"/api/documents/{documentId}");
        Assert.Equal((suggestion.Message, false, false), (single.GetProperty("suggestion").GetProperty("message").GetString(),
            single.GetProperty("beingRead").GetBoolean(), single.GetProperty("retakeSuggested").GetBoolean()));

        // Another client gets 404 for it, as for any document not theirs, and a call without the antiforgery header is refused.
        var intruder = await app.CreateUserAsync("intruder@example.test", Roles.Client);
        Assert.Equal(ClientDocumentService.GoneRefusal, await documents.AcceptSuggestionAsync(intruder, documentId));
        using (var intruderApi = await app.SignInForApiAsync("intruder@example.test"))
        using (var stranger = await intruderApi.PostAsync($"/api/documents/{documentId}/suggestion/accept", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        using (var unprotected = await app.SignInAsync("wrong.type@example.test"))
        using (var forged = await unprotected.PostAsync($"/api/documents/{documentId}/suggestion/accept", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        var untouched = await documents.FindAsync(userId, documentId);
        Assert.Equal((DocumentType.W2, Year), (untouched!.Type, untouched.TaxYear));

        // The owner accepts over the API, as the page's button does: the answer is the document as now filed.
        using (var accepted = await owner.PostAsync($"/api/documents/{documentId}/suggestion/accept", null))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("FORM_1099", Year - 1, JsonValueKind.Null),
                (body.GetProperty("type").GetString(), body.GetProperty("taxYear").GetInt32(), body.GetProperty("suggestion").ValueKind));
        }

        var changed = (await documents.ListAsync(userId)).Single();
        Assert.Equal((DocumentType.Form1099, Year - 1, (RecognitionSuggestion?)null), (changed.Type, changed.TaxYear, changed.Suggestion));
        Assert.NotNull(await app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>().FindForClientAsync(userId, Year - 1));

        // A second accept has nothing left to change: a 409 that says so.
        Assert.Equal("There is nothing to change any more.", await documents.AcceptSuggestionAsync(userId, documentId));
        using var again = await owner.PostAsync($"/api/documents/{documentId}/suggestion/accept", null);
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (again.StatusCode, again.Content.Headers.ContentType?.MediaType));
        Assert.Equal("There is nothing to change any more.", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Suggestions_for_a_year_without_an_engagement_accepted_at_once_all_land_in_the_one_engagement_opened()
    {
        // Each client uploads two 1099-INTs for last year as this year's W-2s: both suggest last year, which has no engagement yet.
        // Accepted at the same moment, both open it; its client and year are unique, so one save loses and is retried on fresh rows.
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        var clients = new List<(Guid UserId, Guid[] Documents)>();
        for (var c = 0; c < 3; c++)
        {
            var userId = await app.CreateUserAsync($"both.at.once{c}@example.test", Roles.Client);
            var ids = new Guid[2];
            for (var d = 0; d < ids.Length; d++)
            {
                var pdf = LakesideInterest(Year - 1, 100m + (10 * c) + d);
                var uploaded = await documents.UploadAsync(userId, new UploadRequest($"interest-{d}.pdf", DocumentType.W2, Year), new MemoryStream(pdf), pdf.Length);
                Assert.True(uploaded.Succeeded, uploaded.Error);
                ids[d] = uploaded.Document!.Id;
            }

            clients.Add((userId, ids));
        }

        foreach (var id in clients.SelectMany(c => c.Documents))
        {
            Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, id)).Status);
        }

        var answers = await Task.WhenAll(clients.SelectMany(c => c.Documents.Select(id => documents.AcceptSuggestionAsync(c.UserId, id))));

        Assert.All(answers, Assert.Null);
        var engagements = app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>();
        foreach (var (userId, _) in clients)
        {
            Assert.All(await documents.ListAsync(userId), d => Assert.Equal((DocumentType.Form1099, Year - 1), (d.Type, d.TaxYear)));
            Assert.NotNull(await engagements.FindForClientAsync(userId, Year - 1));
        }
    }

    [Fact]
    public async Task A_dismissed_suggestion_stays_dismissed_and_the_document_keeps_what_the_client_chose()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var pdf = BrightlineW2(Year - 1);
        var (userId, documentId) = await UploadAsync(app, "keeps.it@example.test", "w2.pdf", pdf, DocumentType.W2, Year);
        await Recognitions.SettledAsync(app, documentId);
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        Assert.Equal($"This looks like a W-2 for {Year - 1} — you chose W-2 for {Year}.", (await documents.ListAsync(userId)).Single().Suggestion?.Message);

        // Another client's dismissal answers 404 and changes nothing; the owner's (over the API, as the page's button) 204.
        await app.CreateUserAsync("not.keeps.it@example.test", Roles.Client);
        using (var intruder = await app.SignInForApiAsync("not.keeps.it@example.test"))
        using (var stranger = await intruder.DeleteAsync($"/api/documents/{documentId}/suggestion"))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        Assert.NotNull((await documents.ListAsync(userId)).Single().Suggestion);
        using var owner = await app.SignInForApiAsync("keeps.it@example.test");
        using (var dismissed = await owner.DeleteAsync($"/api/documents/{documentId}/suggestion"))
        {
            Assert.Equal(HttpStatusCode.NoContent, dismissed.StatusCode);
        }

        var kept = (await documents.ListAsync(userId)).Single();
        Assert.Equal((DocumentType.W2, Year, (RecognitionSuggestion?)null), (kept.Type, kept.TaxYear, kept.Suggestion));
        Assert.Equal(JsonValueKind.Null, (await owner.GetFromJsonAsync<JsonElement>("/api/documents")).EnumerateArray().Single().GetProperty("suggestion").ValueKind);
    }

    [Fact]
    public async Task A_preparer_files_a_misfiled_1099_INT_as_recognized_even_after_the_client_kept_it_and_it_answers_the_request()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var (userId, documentId) = await UploadAsync(app, "misfiled@example.test", "statement.pdf", LakesideInterest(Year), DocumentType.W2, Year);
        var engagement = await app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>().EnsureAsync(userId, Year);
        var requests = app.Services.GetRequiredService<TaxGenius.Core.Engagements.DocumentRequestService>();
        var preparer = new TaxGenius.Core.Audit.AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);
        Assert.True((await requests.RequestAsync(preparer, engagement.Id, [new(TaxGenius.Core.Engagements.RequestKind.Form1099Int, "1099-INT from Lakeside Credit Union")])).Succeeded);
        await Recognitions.SettledAsync(app, documentId);

        // The client kept "W-2"; the preparer claims it, sees why it is flagged, and what filing it as recognized would do.
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        await documents.DismissSuggestionAsync(userId, documentId);
        Assert.True((await app.Services.GetRequiredService<DocumentStatusService>().ClaimAsync(preparer, documentId)).Succeeded);
        var review = app.Services.GetRequiredService<RecognitionReviewService>();
        var before = await review.GetAsync(preparer, documentId);
        Assert.Equal(($"Filed as W-2 for {Year}; recognized as 1099-INT for {Year}.", $"File as 1099 for {Year}"), (before!.Mismatch, before.Refile));
        // The client cannot any more: the firm has started on it.
        Assert.Equal("The firm has already started on this document; tell them in a message if its type or year is wrong.",
            await documents.AcceptSuggestionAsync(userId, documentId));

        // Claimed: another preparer may not change it; its preparer may.
        var colleague = new TaxGenius.Core.Audit.AuditActor(await app.CreateUserAsync("colleague@example.test", Roles.Preparer), "colleague@example.test", null);
        Assert.Null((await review.GetAsync(colleague, documentId))!.Refile);
        Assert.Equal("Another preparer has claimed this document; ask them, or an admin, to file it again.",
            await documents.RefileAsStaffAsync(colleague, documentId));

        // The preparer files it again over the API, as the review page's button does; the owner may not call the staff route.
        using (var owner = await app.SignInForApiAsync("misfiled@example.test"))
        using (var forbidden = await owner.PostAsync($"/api/staff/documents/{documentId}/recognition/refile", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using var preparerApi = await app.SignInForApiAsync(DemoAccounts.Preparer);
        Assert.Equal($"File as 1099 for {Year}",
            (await preparerApi.GetFromJsonAsync<JsonElement>($"/api/staff/documents/{documentId}/recognition")).GetProperty("refile").GetString());
        using (var missing = await preparerApi.PostAsync($"/api/staff/documents/{Guid.CreateVersion7()}/recognition/refile", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var refiledAnswer = await preparerApi.PostAsync($"/api/staff/documents/{documentId}/recognition/refile", null))
        {
            Assert.Equal(HttpStatusCode.OK, refiledAnswer.StatusCode);
            var body = await refiledAnswer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("FORM_1099", Year), (body.GetProperty("type").GetString(), body.GetProperty("taxYear").GetInt32()));
        }

        var after = await review.GetAsync(preparer, documentId);
        Assert.Equal(((string?)null, (string?)null), (after!.Mismatch, after.Refile));
        var refiled = (await documents.ListAsync(userId)).Single();
        Assert.Equal((DocumentType.Form1099, Year, DocumentStatus.Processing), (refiled.Type, refiled.TaxYear, refiled.Status));
        var item = Assert.Single(await requests.ListAsync(engagement.Id));
        Assert.Equal((TaxGenius.Core.Engagements.RequestItemStatus.Fulfilled, (Guid?)documentId), (item.Status, item.DocumentId));

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            Assert.False((await db.DocumentRecognitions.SingleAsync(r => r.DocumentId == documentId)).NeedsCheck);
            var entry = await db.AuditEntries.SingleAsync(a => a.Action == TaxGenius.Core.Audit.AuditActions.DocumentRecategorized && a.SubjectId == documentId);
            Assert.Equal(((Guid?)preparer.UserId, (Guid?)userId), (entry.ActorId, entry.SubjectUserId));
        }

        // The review's history says it was filed again, and by whom.
        var refile = Assert.Single((await app.Services.GetRequiredService<StaffDocumentService>().GetDetailAsync(documentId))!.Refiles!);
        Assert.Equal(($"W-2 {Year} → 1099 {Year} (recognized)", "Parker Preparer"), (refile.Change, refile.ActorName));

        // Nothing is left to change (a 409 that says so), and a finished document is not refiled.
        Assert.Equal("There is nothing to change any more.", await documents.RefileAsStaffAsync(preparer, documentId));
        using (var twice = await preparerApi.PostAsync($"/api/staff/documents/{documentId}/recognition/refile", null))
        {
            Assert.Equal((HttpStatusCode.Conflict, "There is nothing to change any more."),
                (twice.StatusCode, (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()));
        }

        Assert.True((await app.Services.GetRequiredService<DocumentStatusService>().ChangeStatusAsync(preparer, documentId, DocumentStatus.Completed, null)).Succeeded);
        Assert.Equal("This document is COMPLETED: only an open document can be filed again.", await documents.RefileAsStaffAsync(preparer, documentId));
    }

    [Fact]
    public async Task A_recognized_W2_fulfils_the_requested_item_that_names_its_employer_by_itself()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var userId = await app.CreateUserAsync("checklist@example.test", Roles.Client);
        var engagement = await app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>().EnsureAsync(userId, Year);
        var requests = app.Services.GetRequiredService<TaxGenius.Core.Engagements.DocumentRequestService>();
        var admin = new TaxGenius.Core.Audit.AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);
        Assert.True((await requests.RequestAsync(admin, engagement.Id,
        [
            new(TaxGenius.Core.Engagements.RequestKind.W2, "W-2 from Harbor Freight Lines"),
            new(TaxGenius.Core.Engagements.RequestKind.W2, "W-2 from Brightline Logistics"),
            new(TaxGenius.Core.Engagements.RequestKind.Form1099Int, "1099-INT from your bank"),
        ])).Succeeded);

        var pdf = SampleTaxForms.W2(Year, "Mia Lopez", "5 Elm St, Dayton, OH 45402", "XXX-XX-4321", "BRIGHTLINE LOGISTICS, LLC",
            "80 Dock Rd, Toledo, OH 43604", "34-5678901", 61_250.00m, 7_010.55m, "OH", 1_830.20m);
        var result = await app.Services.GetRequiredService<ClientDocumentService>()
            .UploadAsync(userId, new UploadRequest("scan0001.pdf", DocumentType.W2, Year), new MemoryStream(pdf), pdf.Length);
        var row = await Recognitions.SettledAsync(app, result.Document!.Id);

        var items = await requests.ListAsync(engagement.Id);
        var fulfilled = Assert.Single(items, i => i.Status == TaxGenius.Core.Engagements.RequestItemStatus.Fulfilled);
        Assert.Equal(("W-2 from Brightline Logistics", result.Document.Id), (fulfilled.Description, fulfilled.DocumentId));
        Assert.Equal(fulfilled.Id, row.FulfilledRequestItemId);
    }

    [Fact]
    public async Task A_W2_the_client_sent_before_the_firm_asked_for_it_fulfils_the_new_line_and_the_e_mail_asks_only_for_the_rest()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        const string email = "early.sender@example.test";
        var userId = await app.CreateUserAsync(email, Roles.Client);
        var pdf = BrightlineW2(Year);
        var uploads = app.Services.GetRequiredService<ClientDocumentService>();
        var w2 = (await uploads.UploadAsync(userId, new UploadRequest("scan0001.pdf", DocumentType.W2, Year), new MemoryStream(pdf), pdf.Length)).Document!;
        Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, w2.Id)).Status);
        // A second W-2, which the preparer sent back (a page missing, say), answers nothing.
        var harbor = SampleTaxForms.W2(Year, "Mia Lopez", "5 Elm St, Dayton, OH 45402", "XXX-XX-4321", "HARBOR FREIGHT LINES INC",
            "12 Pier Ave, Erie, PA 16507", "25-1234567", 18_400.00m, 1_950.10m, "PA", 564.88m);
        var rejected = (await uploads.UploadAsync(userId, new UploadRequest("harbor.pdf", DocumentType.W2, Year), new MemoryStream(harbor), harbor.Length)).Document!;
        Assert.Equal(RecognitionStatus.Done, (await Recognitions.SettledAsync(app, rejected.Id)).Status);
        var preparer = new TaxGenius.Core.Audit.AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);
        var statuses = app.Services.GetRequiredService<DocumentStatusService>();
        foreach (var (to, reason) in new[] { (DocumentStatus.Processing, (string?)null), (DocumentStatus.Rejected, "Page 2 is missing") })
        {
            var change = await statuses.ChangeStatusAsync(preparer, rejected.Id, to, reason);
            Assert.True(change.Succeeded, change.Error);
        }

        var engagement = await app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>().EnsureAsync(userId, Year);
        var requests = app.Services.GetRequiredService<TaxGenius.Core.Engagements.DocumentRequestService>();
        var result = await requests.RequestAsync(preparer, engagement.Id,
        [
            new(TaxGenius.Core.Engagements.RequestKind.W2, "W-2 from Harbor Freight Lines"),
            new(TaxGenius.Core.Engagements.RequestKind.W2, "W-2 from Brightline Logistics"),
            new(TaxGenius.Core.Engagements.RequestKind.Form1099Int, "1099-INT from your bank"),
        ]);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(TaxGenius.Core.Engagements.EngagementStage.DocumentsRequested, result.Stage); // two lines are still open
        Assert.Equal(["W-2 from Brightline Logistics"], result.Answered);

        var items = await requests.ListAsync(engagement.Id);
        var fulfilled = Assert.Single(items, i => i.Status == TaxGenius.Core.Engagements.RequestItemStatus.Fulfilled);
        Assert.Equal(("W-2 from Brightline Logistics", (Guid?)w2.Id), (fulfilled.Description, fulfilled.DocumentId));
        Assert.Equal(fulfilled.Id, (await Recognitions.RowAsync(app, w2.Id)).FulfilledRequestItemId);
        Assert.Null((await Recognitions.RowAsync(app, rejected.Id)).FulfilledRequestItemId);

        var message = await app.WaitForEmailAsync(email, $"Documents needed for your {Year} tax return");
        Assert.Contains("W-2 from Harbor Freight Lines", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("1099-INT from your bank", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Brightline", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_read_and_correct_the_boxes_and_export_them_while_clients_get_403_and_bad_values_a_problem()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var pdf = BrightlineW2(Year);
        var (userId, documentId) = await UploadAsync(app, "boxes.owner@example.test", "w2.pdf", pdf, DocumentType.Form1099, Year);
        await Recognitions.SettledAsync(app, documentId);

        using var preparer = await app.SignInForApiAsync(DemoAccounts.Preparer);
        var review = await preparer.GetFromJsonAsync<JsonElement>($"/api/staff/documents/{documentId}/recognition");
        Assert.Equal("W2", review.GetProperty("kind").GetString());
        Assert.Contains("recognized as W-2", review.GetProperty("mismatch").GetString(), StringComparison.Ordinal);
        Assert.Contains(review.GetProperty("fields").EnumerateArray(), f => f.GetProperty("key").GetString() == "box1" && f.GetProperty("value").GetString() == "61250.00");

        using (var bad = await preparer.PutAsJsonAsync($"/api/staff/documents/{documentId}/recognition/fields/box1", new { value = "sixty thousand" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.Contains("enter an amount", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var unknown = await preparer.PutAsJsonAsync($"/api/staff/documents/{documentId}/recognition/fields/box99", new { value = "1.00" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }

        // Like every change over the API, a cookie call without the antiforgery header is refused and changes nothing.
        using (var unprotected = await app.SignInAsync(DemoAccounts.Preparer))
        using (var forged = await unprotected.PutAsJsonAsync($"/api/staff/documents/{documentId}/recognition/fields/box1", new { value = "1.00" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains("X-CSRF-TOKEN", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var good = await preparer.PutAsJsonAsync($"/api/staff/documents/{documentId}/recognition/fields/box1", new { value = "$61,205.00" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        }

        var corrected = (await preparer.GetFromJsonAsync<JsonElement>($"/api/staff/documents/{documentId}/recognition")).GetProperty("fields")
            .EnumerateArray().Single(f => f.GetProperty("key").GetString() == "box1");
        Assert.Equal(("61205.00", "61250.00", true),
            (corrected.GetProperty("value").GetString(), corrected.GetProperty("extracted").GetString(), corrected.GetProperty("corrected").GetBoolean()));

        var engagement = await app.Services.GetRequiredService<TaxGenius.Core.Engagements.EngagementService>().FindForClientAsync(userId, Year);
        using var export = await preparer.GetAsync($"/api/staff/engagements/{engagement!.Id}/boxes.csv");
        // Named by the id's random end, so two returns started together do not download under one name.
        Assert.Equal($"boxes-{Year}-{engagement.Id.ToString("N")[^8..]}.csv", export.Content.Headers.ContentDisposition?.FileName);
        var csv = await export.Content.ReadAsStringAsync();
        Assert.Contains($"w2.pdf,W-2,{Year},box1,\"Box 1 Wages, tips, other compensation\",61205.00,yes", csv, StringComparison.Ordinal);
        Assert.Contains("employer_ein", csv, StringComparison.Ordinal);

        // Every staff look and change is in the audit log; a client (even the owner) reaches none of it.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var actions = await db.AuditEntries.Where(a => a.SubjectUserId == userId).Select(a => a.Action).ToListAsync();
            Assert.Contains(TaxGenius.Core.Audit.AuditActions.DocumentFieldsViewed, actions);
            Assert.Single(actions, a => a == TaxGenius.Core.Audit.AuditActions.DocumentFieldCorrected); // the good one only
            Assert.Contains(TaxGenius.Core.Audit.AuditActions.EngagementFieldsExported, actions);
        }

        using var owner = await app.SignInForApiAsync("boxes.owner@example.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync($"/api/staff/documents/{documentId}/recognition")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync($"/api/staff/engagements/{engagement.Id}/boxes.csv")).StatusCode);
        using var put = await owner.PutAsJsonAsync($"/api/staff/documents/{documentId}/recognition/fields/box1", new { value = "1.00" });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);

        // The queue's "Needs a check" shows it (filed as a 1099, recognized as a W-2) and not a document recognition agrees with.
        var (_, agreed) = await UploadAsync(app, "agrees@example.test", "w2b.pdf", pdf, DocumentType.W2, Year);
        await Recognitions.SettledAsync(app, agreed);
        var flagged = await app.Services.GetRequiredService<ReviewQueueService>()
            .GetPageAsync(Guid.Empty, new QueueFilter { NeedsCheck = true, Statuses = new HashSet<DocumentStatus> { DocumentStatus.Pending } });
        Assert.Equal([documentId], flagged.Rows.Select(r => r.Id));
        Assert.True(flagged.Rows[0].NeedsCheck);
        Assert.Equal($"Reads as a W-2 for {Year}", flagged.Rows[0].CheckReason);

        // Its chip counts what it would show under the other filters: one pending, none among the W-2s (the flagged one is filed as a 1099).
        var queue = app.Services.GetRequiredService<ReviewQueueService>();
        Assert.Equal(1, await queue.CountNeedsCheckAsync(Guid.Empty, new QueueFilter { Statuses = new HashSet<DocumentStatus> { DocumentStatus.Pending } }));
        Assert.Equal(0, await queue.CountNeedsCheckAsync(Guid.Empty, new QueueFilter { Type = DocumentType.W2 }));
    }

    [Fact]
    public async Task Accuracy_is_measured_from_what_preparers_corrected_on_the_documents_they_completed()
    {
        await using var app = await AppAsync(FakeTesseract("exit 9"));
        var pdf = BrightlineW2(Year);
        var (_, corrected) = await UploadAsync(app, "accuracy.one@example.test", "w2.pdf", pdf, DocumentType.W2, Year);
        var (_, typedIn) = await UploadAsync(app, "accuracy.two@example.test", "w2.pdf", pdf, DocumentType.W2, Year);
        var (_, stillOpen) = await UploadAsync(app, "accuracy.three@example.test", "w2.pdf", pdf, DocumentType.W2, Year);
        var read = 0;
        foreach (var id in new[] { corrected, typedIn, stillOpen })
        {
            var row = await Recognitions.SettledAsync(app, id);
            read = app.Services.GetRequiredService<RecognitionFields>().Read(row).Count(f => f.Key != Recognizer.TaxpayerNumberField);
        }

        var preparer = new TaxGenius.Core.Audit.AuditActor(await app.CreateUserAsync("accuracy.preparer@example.test", Roles.Preparer), "accuracy.preparer@example.test", null);
        var review = app.Services.GetRequiredService<RecognitionReviewService>();
        // On the second W-2 recognition "missed" box 2 (it is taken out of what was read), and the preparer types it in.
        const string missed = "box2";
        var protector = app.Services.GetRequiredService<RecognitionFields>();
        var withoutBox2 = protector.Read(await Recognitions.SettledAsync(app, typedIn)).Where(f => f.Key != missed).ToList();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            await db.DocumentRecognitions.Where(r => r.DocumentId == typedIn)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.FieldsCipher, protector.ProtectFields(typedIn, withoutBox2)));
        }

        Assert.Null(await review.CorrectAsync(preparer, corrected, "box1", "61205.00"));
        Assert.Null(await review.CorrectAsync(preparer, typedIn, missed, "7010.55"));
        // Corrected and set back to what was read: right after all.
        Assert.Null(await review.CorrectAsync(preparer, typedIn, "box1", "1.00"));
        Assert.Null(await review.CorrectAsync(preparer, typedIn, "box1", "61250.00"));
        Assert.Null(await review.CorrectAsync(preparer, stillOpen, "box2", "1.00"));

        // Before any is completed nothing is measured (the demo firm's completed documents have no boxes to count).
        var before = await review.AccuracyAsync();
        Assert.Empty(before.Boxes);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            await db.Documents.Where(d => d.Id == corrected || d.Id == typedIn)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Completed));
        }

        // Two completed documents: every box read on them counts (box 2 once read, once typed in), one box 1 was corrected; the open
        // document (corrected too) is not counted yet.
        var accuracy = await review.AccuracyAsync();
        Assert.Equal((before.Documents + 2, before.OcrDocuments), (accuracy.Documents, accuracy.OcrDocuments));
        Assert.Equal((2 * read, 2 * read - 2), accuracy.Total(TextSource.PdfText));
        Assert.Equal((0, 0), accuracy.Total(TextSource.Ocr));
        var worst = accuracy.Boxes.Take(2).OrderBy(b => b.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([("box1", 2, 1), ("box2", 2, 1)], worst.Select(b => (b.Key, b.Checked, b.Right)));
        Assert.All(worst, b => Assert.Equal((FormKind.W2, TextSource.PdfText), (b.Kind, b.Source)));
        Assert.All(accuracy.Boxes.Skip(2), b => Assert.Equal(b.Checked, b.Right));
    }
}
