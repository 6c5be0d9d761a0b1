using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace TaxGenius.Core.Recognition;

/// <summary>Tesseract is not installed (or could not run): images cannot be read until it is.</summary>
public sealed class OcrUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// OCR with Tesseract (Debian's <c>tesseract-ocr</c>), run as a process on a file the caller wrote to a private folder: its TSV output
/// gives each word with its box, which the field reader needs. The process is killed when the caller's cancellation token fires
/// (the job's time limit). Nothing it reads is logged.
/// </summary>
public static class TesseractOcr
{
    /// <summary>Words below this confidence (0–100) are noise: specks, lines of the form's boxes.</summary>
    public const int MinWordConfidence = 30;

    /// <summary>
    /// Reads an uploaded image file (every page of it): <see cref="OcrImages"/> prepares each page into <paramref name="folder"/> (the
    /// caller's private folder, which it removes), then Tesseract reads them one by one (see <see cref="ReadPagesAsync"/>).
    /// </summary>
    public static async Task<DocumentText> ReadImageAsync(string imagePath, string folder, string executable, CancellationToken cancellationToken,
        Func<DocumentText, bool>? readAgain = null, string? blurModel = null) =>
        await ReadPagesAsync(OcrImages.PreparePages(imagePath, folder, cancellationToken), executable, cancellationToken, readAgain, blurModel);

    /// <summary>The language name of the reader trained for blurred print (<c>scripts/ocr-model/train.sh</c>).</summary>
    public const string BlurModelLanguage = "tgblur";

    /// <summary>
    /// The folder of the reader trained for blurred print as the app ships it (<c>ocr-model/</c> beside the app, from
    /// <c>TaxGenius.Core/Recognition/OcrModel</c>), or null when it is not there.
    /// </summary>
    public static string? BundledBlurModel { get; } =
        Path.Combine(AppContext.BaseDirectory, "ocr-model") is var shipped && HoldsBlurModel(shipped) ? shipped : null;

    /// <summary>Whether <paramref name="folder"/> holds the reader trained for blurred print (<c>tgblur.traineddata</c>).</summary>
    public static bool HoldsBlurModel(string folder) => File.Exists(Path.Combine(folder, BlurModelLanguage + ".traineddata"));

    /// <summary>
    /// Reads prepared pages in order into one document, as sparse text (<c>--psm 11</c>: it keeps big titles and words scattered over a
    /// form). When <paramref name="readAgain"/> says that reading missed something, the pages are read a second time as one block of
    /// text (<c>--psm 6</c>), which keeps the words sparse reading drops beside a ruled box on a tilted photo; the second reading is
    /// attached to the first (<see cref="DocumentText.SecondReading"/>) for recognition to fill the gaps from. When, besides, Tesseract
    /// read the pages mostly as guesses, a sharpened copy of each (<see cref="OcrImages.Sharpen"/>) is read too, for recognition to
    /// take a missing form and year from (<see cref="DocumentText.SharpenedReading"/>); a reading that missed nothing needs neither.
    /// With <paramref name="blurModel"/> (the folder of the reader trained for blurred print, <see cref="BundledBlurModel"/>), each
    /// page the second reading made mostly guesses of is read once more by that reader, and its words are added to the second reading
    /// as pages of their own after the English model's: recognition takes from them only what neither English reading found.
    /// </summary>
    public static async Task<DocumentText> ReadPagesAsync(IReadOnlyList<string> pagePaths, string executable, CancellationToken cancellationToken,
        Func<DocumentText, bool>? readAgain = null, string? blurModel = null)
    {
        var first = await ReadAllAsync(pagePaths, executable, SparseText, cancellationToken);
        if (readAgain is null || first.WordCount == 0 || !readAgain(first))
        {
            return first;
        }

        DocumentText? sharpened = null;
        if (first.Legibility is { Legible: false, Words: > 0 })
        {
            // Mostly guesses (a photo out of focus): a halved, sharpened copy is read for the form's title and year, twice like the
            // photo itself when the first reading of it missed something.
            var sharpenedPages = pagePaths.Select(page => OcrImages.Sharpen(page, cancellationToken)).ToList();
            sharpened = await ReadAllAsync(sharpenedPages, executable, SparseText, cancellationToken);
            if (sharpened.WordCount > 0 && readAgain(sharpened))
            {
                sharpened = new DocumentText(sharpened.Pages, await ReadAllAsync(sharpenedPages, executable, SecondLayout, cancellationToken));
            }
        }

        return new DocumentText(first.Pages, await ReadSecondAsync(pagePaths, executable, blurModel, cancellationToken), sharpened);
    }

    /// <summary>
    /// The second reading (<see cref="SecondLayout"/>), and after its pages, the blur model's reading of each page it made mostly
    /// guesses of. Not of the sharpened copies, which are there for the English model to find the form and year on: the blur model
    /// read in its place there lost them (docs/performance.md, "A reader trained for blurred print").
    /// </summary>
    private static async Task<DocumentText> ReadSecondAsync(IReadOnlyList<string> pagePaths, string executable, string? blurModel,
        CancellationToken cancellationToken)
    {
        var pages = new List<TextPage>();
        var blurred = new List<TextPage>();
        foreach (var path in pagePaths)
        {
            var read = await ReadAsync(path, executable, cancellationToken, SecondLayout);
            pages.AddRange(read.Pages);
            if (blurModel is not null && read.Legibility is { Legible: false })
            {
                blurred.AddRange((await ReadAsync(path, executable, cancellationToken, SecondLayout, blurModel)).Pages);
            }
        }

        return new DocumentText([.. pages, .. blurred]);
    }

    /// <summary>Tesseract's page segmentation for the first reading: sparse text, in no particular order.</summary>
    private const string SparseText = "11";

    /// <summary>Tesseract's page segmentation for the second reading.</summary>
    private const string SecondLayout = "6";

    private static async Task<DocumentText> ReadAllAsync(IReadOnlyList<string> pagePaths, string executable, string layout, CancellationToken cancellationToken)
    {
        var pages = new List<TextPage>();
        foreach (var path in pagePaths)
        {
            pages.AddRange((await ReadAsync(path, executable, cancellationToken, layout)).Pages);
        }

        return new DocumentText(pages);
    }

    /// <summary>
    /// Tesseract on one image file as it is, with its English model, or with the reader trained for blurred print when
    /// <paramref name="blurModel"/> names its folder.
    /// </summary>
    public static async Task<DocumentText> ReadAsync(string imagePath, string executable, CancellationToken cancellationToken, string layout = SparseText,
        string? blurModel = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        // The English model's "tsv" configuration lives in the system's tessdata; another tessdata folder has none, so it is set directly.
        string[] language = blurModel is null ? ["-l", "eng", "tsv"] : ["--tessdata-dir", blurModel, "-l", BlurModelLanguage, "-c", "tessedit_create_tsv=1"];
        foreach (var argument in new[] { imagePath, "stdout", "--psm", layout }.Concat(language))
        {
            start.ArgumentList.Add(argument);
        }

        // One thread per process: the job's own concurrency bounds the CPU used, not Tesseract's OpenMP.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new OcrUnavailableException($"'{executable}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new OcrUnavailableException($"'{executable}' could not be started ({e.Message}); install tesseract-ocr.", e);
        }

        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var errors = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                var tsv = await output;
                await errors;
                if (process.ExitCode != 0)
                {
                    // Tesseract's message names the file and the failure, never the text: still, only the exit code is passed on.
                    throw new InvalidOperationException($"Tesseract exited with code {process.ExitCode}.");
                }

                return Parse(tsv);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }

    /// <summary>Points across a US Letter page: OCR'd pages are scaled to it, so the field reader's distances mean the same as on a PDF.</summary>
    private const double PageWidthPoints = 612;

    /// <summary>
    /// Tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf, text): the words of level 5 it is
    /// sure enough of, scaled from pixels by their page's width (level 1) to a 612-point-wide page, and each page's
    /// <see cref="OcrLegibility"/> over every word it reported.
    /// </summary>
    public static DocumentText Parse(string tsv)
    {
        var pages = new SortedDictionary<int, (double Scale, List<TextWord> Words)>();
        var confidences = new Dictionary<int, (int Words, double Sum)>();
        foreach (var line in tsv.Split('\n').Skip(1))
        {
            var columns = line.TrimEnd('\r').Split('\t');
            if (columns.Length < 12 || !int.TryParse(columns[0], CultureInfo.InvariantCulture, out var level))
            {
                continue;
            }

            var n = columns[1..10].Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            var (page, left, top, width, height) = (n[0], n[5], n[6], n[7], n[8]);
            if (level == 1)
            {
                pages[page] = (PageWidthPoints / Math.Max(1, width), []);
                continue;
            }

            if (level != 5 || string.IsNullOrWhiteSpace(columns[11]) || !pages.TryGetValue(page, out var found)
                || !double.TryParse(columns[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence) || confidence < 0)
            {
                continue;
            }

            var (counted, sum) = confidences.GetValueOrDefault(page);
            confidences[page] = (counted + 1, sum + confidence);
            if (confidence < MinWordConfidence)
            {
                continue;
            }

            var scale = found.Scale;
            found.Words.Add(new TextWord(columns[11], left * scale, top * scale, (left + width) * scale, (top + height) * scale));
        }

        return new DocumentText([.. pages.Select(p => new TextPage(p.Value.Words,
            confidences.TryGetValue(p.Key, out var c) ? new OcrLegibility(c.Words, c.Sum / c.Words) : new OcrLegibility(0, 0)))]);
    }
}
