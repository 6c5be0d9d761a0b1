using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Recognition;

/// <summary>Settings under <c>Recognition</c>.</summary>
public sealed class RecognitionOptions
{
    public const string Section = "Recognition";

    /// <summary>Whether uploads are read at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Tesseract executable (Debian's tesseract-ocr puts it on the PATH).</summary>
    [Required]
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>
    /// The folder holding the reader trained for blurred print (<c>tgblur.traineddata</c>, see <see cref="TesseractOcr.BundledBlurModel"/>):
    /// photos the English model reads mostly as guesses are read by it too. Empty: they are not.
    /// </summary>
    public string? BlurModelPath { get; set; } = TesseractOcr.BundledBlurModel;

    /// <summary>How long one document may take before it is stopped (and retried, up to <see cref="MaxAttempts"/>).</summary>
    [Range(5, 600)]
    public int TimeLimitSeconds { get; set; } = 60;

    /// <summary>Documents read at once on one instance (OCR takes a core each).</summary>
    [Range(1, 16)]
    public int Concurrency { get; set; } = 1;

    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>PDFs larger than this are not read (a 200 MB scan is not a tax form); images up to the upload limit are.</summary>
    [Range(1, 1024)]
    public int MaxPdfMegabytes { get; set; } = 40;

    /// <summary>Where decrypted copies for OCR live while Tesseract reads them (a private folder per document, always removed).</summary>
    public string? WorkPath { get; set; }
}

/// <summary>The Hangfire queue recognition runs on: served by its own workers (<see cref="RecognitionOptions.Concurrency"/>).</summary>
public static class RecognitionQueue
{
    public const string Name = "recognition";
}

/// <summary>A document was read: the owner's open pages reload it (a suggestion may now show, a requested item may be fulfilled).</summary>
public sealed record DocumentRecognized(Guid DocumentId, Guid OwnerId, RecognitionStatus Status, Guid? FulfilledRequestItemId);

/// <summary>Asks for a document to be read now (the recurring sweep finds any whose signal was lost).</summary>
public sealed class RecognitionSignal(IBackgroundJobClient jobs)
{
    public void Send(Guid documentId) =>
        jobs.Enqueue<RecognitionService>(RecognitionQueue.Name, service => service.RecognizeAsync(documentId, CancellationToken.None));
}

/// <summary>
/// Reads a stored document and records what it is (<see cref="DocumentRecognition"/>): the PDF's text layer in memory, or, for an
/// image, Tesseract on a decrypted copy in a private folder (0700, the file 0600) that is removed whatever happens. Each document has
/// a time limit; a failure or time-out is retried up to <see cref="RecognitionOptions.MaxAttempts"/> times and never touches the
/// document. The text and the boxes are encrypted and their taxpayer numbers masked; nothing read is logged.
/// </summary>
public sealed class RecognitionService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    RecognitionFields fields,
    RequestFulfilment fulfilment,
    Live.LiveChannel live,
    IOptions<RecognitionOptions> options,
    TaxGeniusPaths paths,
    RecognitionSignal signal,
    TimeProvider timeProvider,
    ILogger<RecognitionService> logger)
{
    /// <summary>The folder under which each reading gets its private folder.</summary>
    public string WorkFolder => options.Value.WorkPath is { Length: > 0 } path ? path : Path.Combine(paths.DataPath, "recognition-work");

    /// <summary>Reads the document if it is still queued; a no-op otherwise (a second signal, a deleted document).</summary>
    [Queue(RecognitionQueue.Name)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RecognizeAsync(Guid documentId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // One reader at a time per document, whichever instance or worker got the signal: the claim lasts the time limit and a
        // margin, so a reader that died leaves the document to the sweep soon after. The claim counts the attempt, so that a document
        // whose reading takes the process down with it (a decoder's crash) is tried only so often, not at every restart.
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var claimedUntil = now.AddSeconds((settings.TimeLimitSeconds * 2) + 30);
        if (await db.DocumentRecognitions
                .Where(r => r.DocumentId == documentId && r.Status == RecognitionStatus.Queued && (r.ClaimedUntil == null || r.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedUntil, claimedUntil).SetProperty(r => r.Attempts, r => r.Attempts + 1),
                    cancellationToken) == 0)
        {
            return;
        }

        var row = await db.Set<DocumentRecognition>().Include(r => r.Document)
            .SingleOrDefaultAsync(r => r.DocumentId == documentId, cancellationToken);
        if (row?.Document is not { } document)
        {
            return;
        }

        if (row.Attempts > settings.MaxAttempts)
        {
            // Every attempt allowed was started and none ended: each reader stopped with its process.
            row.Status = RecognitionStatus.Failed;
            row.Error = "The document could not be read.";
            row.ClaimedUntil = null;
            await db.SaveChangesAsync(CancellationToken.None);
            RecognitionLog.GaveUpAfterCrashes(logger, documentId, settings.MaxAttempts);

            // The client's page stops showing "being read" at once, as after any other outcome.
            await live.SendToUserAsync(document.UserId, Live.LiveEventNames.Recognition,
                new DocumentRecognized(documentId, document.UserId, row.Status, null), CancellationToken.None);
            return;
        }

        var clock = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(settings.TimeLimitSeconds));
        try
        {
            var (text, source) = await ReadAsync(document, limit.Token);
            if (text is null || text.WordCount == 0)
            {
                row.Status = RecognitionStatus.Unreadable;
                row.Error = text is null ? "This kind of file is not read yet." : "No text could be read from this document.";

                // A photo or scan OCR found no word in: dark, blurred, or a picture of something else.
                row.Illegible = text is not null && source == TextSource.Ocr;
                row.NeedsCheck = row.Illegible;
            }
            else
            {
                var outcome = Recognizer.Recognize(text, LatestYear, source);
                row.Status = RecognitionStatus.Done;
                row.Error = null;
                row.Kind = outcome.Kind;
                row.Confidence = outcome.Confidence;
                row.TaxYear = outcome.TaxYear;
                row.Source = outcome.Source;
                row.TextCipher = fields.ProtectText(documentId, outcome.MaskedText);
                row.FieldsCipher = fields.ProtectFields(documentId, outcome.Fields);
                row.Illegible = outcome.Illegible;
                row.NeedsCheck = RecognitionSuggestion.NeedsCheck(document.Type, document.TaxYear, row);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Retry(row, $"Reading took longer than {settings.TimeLimitSeconds} s.");
        }
        catch (OperationCanceledException)
        {
            // The instance is stopping (a deploy, a scale-in): the reading was interrupted, it did not fail. The attempt is given back
            // and the claim released, so the next instance reads the document at once and a rolling deploy never uses up its
            // attempts. (A process that dies instead keeps the attempt: that is how a document that crashes its reader is given up.)
            await ReleaseAsync(db, documentId, claimedUntil);
            throw;
        }
        catch (UnreadableImageException)
        {
            // Damaged, or not the picture its header says: another attempt would read the same bytes.
            row.Status = RecognitionStatus.Unreadable;
            row.Error = "This image could not be opened; it may be damaged.";
        }
        catch (OcrUnavailableException)
        {
            row.Status = RecognitionStatus.Unreadable;
            row.Error = "OCR is not installed on this server (tesseract-ocr), so photos and scans are not read.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception's type only: a parser's message may quote the document.
            RecognitionLog.ReadFailed(logger, documentId, e.GetType().Name);
            Retry(row, "The document could not be read.");
        }

        row.DurationMs = (int)clock.ElapsedMilliseconds;
        row.ClaimedUntil = null;
        Guid? fulfilled = null;
        try
        {
            // The checklist line it answers is fulfilled in the same transaction as the reading.
            fulfilled = row.Status == RecognitionStatus.Done ? await fulfilment.AddAsync(db, row, CancellationToken.None) : null;
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The client deleted the document while it was read: nothing to record.
            return;
        }

        RecognitionLog.Recognized(logger, documentId, row.Status, row.Kind, row.Confidence, row.DurationMs.Value);
        if (row.Status == RecognitionStatus.Queued)
        {
            return;
        }

        await live.SendToUserAsync(document.UserId, Live.LiveEventNames.Recognition,
            new DocumentRecognized(documentId, document.UserId, row.Status, fulfilled), CancellationToken.None);

        void Retry(DocumentRecognition failed, string error)
        {
            failed.Error = error;
            failed.Status = failed.Attempts >= settings.MaxAttempts ? RecognitionStatus.Failed : RecognitionStatus.Queued;
        }
    }

    /// <summary>Gives back the attempt this reader's claim counted, if the claim is still its own; best effort on the way out.</summary>
    private async Task ReleaseAsync(TaxGeniusDbContext db, Guid documentId, DateTime claimedUntil)
    {
        try
        {
            await db.DocumentRecognitions.Where(r => r.DocumentId == documentId && r.Status == RecognitionStatus.Queued && r.ClaimedUntil == claimedUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedUntil, (DateTime?)null).SetProperty(r => r.Attempts, r => r.Attempts - 1),
                    CancellationToken.None);
        }
        catch (Exception e) when (DatabaseRetries.IsUnavailable(e))
        {
            // The database is out of reach too: the claim runs out by itself and the attempt stays counted.
            RecognitionLog.ReleaseFailed(logger, documentId, e.GetType().Name);
        }
    }

    /// <summary>
    /// Signals every document still queued and not being read (a signal lost with a restarted instance, a retry after a failure or
    /// time-out, the demo firm's documents); a signal for a document already taken is a no-op.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        WipeLeftovers();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var queued = await db.Set<DocumentRecognition>()
            .Where(r => r.Status == RecognitionStatus.Queued && (r.ClaimedUntil == null || r.ClaimedUntil < now))
            .OrderBy(r => r.CreatedAt).Select(r => r.DocumentId).Take(500).ToListAsync(cancellationToken);
        queued.ForEach(signal.Send);
        return queued.Count;
    }

    /// <summary>The latest tax year a document can be for: forms for this year arrive from January of the next.</summary>
    private int LatestYear => TaxYears.Current(timeProvider) + 1;

    /// <summary>Whether OCR's first reading missed the form, its year or a box, so that a second reading is worth its time.</summary>
    private bool ReadAgain(DocumentText text) => Recognizer.MissedSomething(text, LatestYear);

    private async Task<(DocumentText? Text, TextSource Source)> ReadAsync(Document document, CancellationToken cancellationToken)
    {
        var tesseract = options.Value.TesseractPath;
        var blurModel = string.IsNullOrEmpty(options.Value.BlurModelPath) ? null : options.Value.BlurModelPath;
        switch (document.ContentType)
        {
            case "application/pdf":
                if (document.FileSize > options.Value.MaxPdfMegabytes * 1024L * 1024)
                {
                    return (null, TextSource.PdfText);
                }

                await using (var content = await store.OpenReadAsync(document.StorageKey, cancellationToken))
                {
                    using var copy = new MemoryStream((int)document.FileSize);
                    await content.CopyToAsync(copy, cancellationToken);
                    copy.Position = 0;
                    var text = PdfTextReader.Read(copy);
                    if (text.WordCount > 0)
                    {
                        return (text, TextSource.PdfText);
                    }

                    // No text layer: a scan saved as PDF. Its page images are read like a photo.
                    copy.Position = 0;
                    var scans = PdfTextReader.ScannedPages(copy);
                    return scans.Count == 0
                        ? (text, TextSource.PdfText)
                        : (await InPrivateFolderAsync(folder =>
                            TesseractOcr.ReadPagesAsync(OcrImages.PreparePages(scans, folder, cancellationToken), tesseract, cancellationToken, ReadAgain, blurModel)),
                            TextSource.Ocr);
                }

            case "image/jpeg" or "image/png" or "image/tiff" or "image/heic":
                return (await InPrivateFolderAsync(async folder =>
                {
                    // The decrypted upload, then its prepared pages (OcrImages), all in the private folder.
                    var path = Path.Combine(folder, "upload" + document.ContentType switch
                    {
                        "image/png" => ".png",
                        "image/tiff" => ".tif",
                        "image/heic" => ".heic",
                        _ => ".jpg",
                    });
                    await using (var content = await store.OpenReadAsync(document.StorageKey, cancellationToken))
                    await using (var file = new FileStream(path, OcrImages.PrivateFile()))
                    {
                        await content.CopyToAsync(file, cancellationToken);
                    }

                    return await TesseractOcr.ReadImageAsync(path, folder, tesseract, cancellationToken, ReadAgain, blurModel);
                }), TextSource.Ocr);
            default:
                return (null, TextSource.Ocr);
        }
    }

    /// <summary>Runs <paramref name="read"/> with a new folder only this process's user can enter, removed whatever happens.</summary>
    private async Task<DocumentText> InPrivateFolderAsync(Func<string, Task<DocumentText>> read)
    {
        Directory.CreateDirectory(WorkFolder);
        var folder = Path.Combine(WorkFolder, $"r-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            return await read(folder);
        }
        finally
        {
            Wipe(folder);
        }
    }

    /// <summary>Removes a reading's folder; also called at start for folders a crashed process left behind.</summary>
    private void Wipe(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RecognitionLog.WipeFailed(logger, e.GetType().Name);
        }
    }

    /// <summary>
    /// Removes reading folders older than twice the time limit from <see cref="WorkFolder"/>: what a process killed in the middle of
    /// OCR left behind (a reading in progress is younger).
    /// </summary>
    public int WipeLeftovers()
    {
        if (!Directory.Exists(WorkFolder))
        {
            return 0;
        }

        var before = timeProvider.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(2 * options.Value.TimeLimitSeconds);
        var stale = Directory.EnumerateDirectories(WorkFolder, "r-*").Where(f => Directory.GetCreationTimeUtc(f) < before).ToList();
        stale.ForEach(Wipe);
        return stale.Count;
    }
}

internal static partial class RecognitionLog
{
    [LoggerMessage(EventId = 1231, Level = LogLevel.Information,
        Message = "Recognition of document {DocumentId}: {Status}, {Kind} at {Confidence:0.00} in {Milliseconds} ms")]
    public static partial void Recognized(ILogger logger, Guid documentId, RecognitionStatus status, FormKind? kind, double confidence, int milliseconds);

    [LoggerMessage(EventId = 1232, Level = LogLevel.Warning, Message = "Recognition of document {DocumentId} failed ({ExceptionType})")]
    public static partial void ReadFailed(ILogger logger, Guid documentId, string exceptionType);

    [LoggerMessage(EventId = 1233, Level = LogLevel.Warning, Message = "A recognition work folder could not be removed ({ExceptionType})")]
    public static partial void WipeFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1234, Level = LogLevel.Warning,
        Message = "Recognition of document {DocumentId} given up: its {Attempts} attempts all stopped with their process")]
    public static partial void GaveUpAfterCrashes(ILogger logger, Guid documentId, int attempts);

    [LoggerMessage(EventId = 1235, Level = LogLevel.Warning,
        Message = "Recognition of document {DocumentId} was interrupted by shutdown and its attempt could not be given back ({ExceptionType})")]
    public static partial void ReleaseFailed(ILogger logger, Guid documentId, string exceptionType);
}
