using ImageMagick;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Recognition;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Recognition;

/// <summary>
/// Real pictures of forms through the real OCR path (ImageMagick's preparation, then Debian's Tesseract, installed by scripts/test.sh):
/// a PNG, each page of a TIFF, an iPhone's HEIC, a scanned PDF's page image; damaged and oversized pictures refused as unreadable.
/// </summary>
public sealed class OcrReadingTests : IDisposable
{
    private const int LatestYear = 2026;

    private readonly string folder = Directory.CreateTempSubdirectory("tg-ocr-read-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>An official W-2 and 1099-INT from the generator (fixed seed), and what each should read.</summary>
    private static (SyntheticForm W2, SyntheticForm Interest) Forms()
    {
        var generator = new SyntheticForms(seed: 41);
        return (generator.Create(FormKind.W2, FormLayout.Official, 2024), generator.Create(FormKind.Form1099Int, FormLayout.Official, 2023));
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static Dictionary<string, string> Fields(RecognitionOutcome outcome) => outcome.Fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task A_picture_of_a_W2_is_read_with_its_year_and_boxes()
    {
        var (w2, _) = Forms();
        var text = await TesseractOcr.ReadImageAsync(Write("w2.png", w2.Sheet.ToImage()), folder, "tesseract", CancellationToken.None);

        var outcome = Recognizer.Recognize(text, LatestYear, TextSource.Ocr);
        Assert.Equal((FormKind.W2, (int?)2024), (outcome.Kind, outcome.TaxYear));
        var fields = Fields(outcome);
        foreach (var key in new[] { "employer_name", "employer_ein", "box1", "box2" })
        {
            Assert.Equal(w2.Expected[key], fields.GetValueOrDefault(key));
        }

        // The prepared page was written beside the upload, readable by its owner only.
        var page = Path.Combine(folder, "page-1.png");
        Assert.True(File.Exists(page));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(page));
        }
    }

    [Fact]
    public async Task A_blurred_photo_is_found_illegible_so_the_client_is_asked_for_another_but_the_same_page_in_focus_is_not()
    {
        var (_, interest) = Forms();
        var sharp = await TesseractOcr.ReadImageAsync(Write("sharp.jpg", SampleFiles.FormPhoto(interest, blurred: false)), folder, "tesseract",
            CancellationToken.None, t => Recognizer.MissedSomething(t, LatestYear));
        var blurred = await TesseractOcr.ReadImageAsync(Write("blurred.jpg", SampleFiles.FormPhoto(interest, blurred: true)),
            Directory.CreateDirectory(Path.Combine(folder, "blurred")).FullName, "tesseract", CancellationToken.None, t => Recognizer.MissedSomething(t, LatestYear));

        var read = Recognizer.Recognize(sharp, LatestYear, TextSource.Ocr);
        Assert.Equal((FormKind.Form1099Int, interest.Expected["box1"], false), (read.Kind, Fields(read).GetValueOrDefault("box1"), read.Illegible));
        Assert.True(sharp.Legibility!.MeanConfidence > 80, $"sharp: {sharp.Legibility}");
        Assert.Null(sharp.SharpenedReading);

        // Out of focus, Tesseract still reports words, mostly guesses: what it is and its boxes are lost, and recognition says why.
        var guessed = Recognizer.Recognize(blurred, LatestYear, TextSource.Ocr);
        Assert.True(blurred.Legibility!.MeanConfidence < OcrLegibility.LegibleFrom, $"blurred: {blurred.Legibility}");
        Assert.True(blurred.Legibility.Words > 0);
        Assert.True(guessed.Illegible);
        Assert.NotEqual(interest.Expected["box1"], Fields(guessed).GetValueOrDefault("box1"));
    }

    [Fact]
    public async Task A_photo_read_mostly_as_guesses_is_read_again_sharpened_for_its_form_and_year_but_never_its_boxes()
    {
        var interest = new SyntheticForms(seed: 41).Create(FormKind.Form1099Int, FormLayout.Provider, 2023);
        var text = await TesseractOcr.ReadImageAsync(Write("shaky.jpg", SampleFiles.FormPhoto(interest, blurred: true)), folder, "tesseract",
            CancellationToken.None, t => Recognizer.MissedSomething(t, LatestYear));

        // The photo as taken read mostly as guesses, so a halved, sharpened copy was written beside it (its owner's only) and read:
        // Tesseract is surer of it.
        Assert.False(text.Legibility!.Legible, $"as taken: {text.Legibility}");
        var sharpened = Assert.IsType<DocumentText>(text.SharpenedReading);
        Assert.True(sharpened.Legibility!.MeanConfidence > text.Legibility.MeanConfidence, $"{sharpened.Legibility} vs {text.Legibility}");
        var copy = Path.Combine(folder, "page-1-sharpened.png");
        using (var page = new MagickImage(Path.Combine(folder, "page-1.png")))
        using (var half = new MagickImage(copy))
        {
            Assert.Equal(page.Width / 2, half.Width);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
        }

        // Its boxes are not taken from the sharpened reading, which reads one of them wrong (box 3, 10.11, as 10.23): the fields are
        // exactly those of the photo as taken, and the client is still asked for a sharper photo.
        Assert.Contains(Fields(Recognizer.Recognize(sharpened, LatestYear, TextSource.Ocr)), f => interest.Expected.GetValueOrDefault(f.Key) != f.Value);
        var outcome = Recognizer.Recognize(text, LatestYear, TextSource.Ocr);
        var withoutSharpening = Recognizer.Recognize(new DocumentText(text.Pages, text.SecondReading), LatestYear, TextSource.Ocr);
        Assert.Equal((FormKind.Form1099Int, (int?)2023, true), (outcome.Kind, outcome.TaxYear, outcome.Illegible));
        Assert.Equal(Fields(withoutSharpening), Fields(outcome));
        Assert.NotEqual(interest.Expected["box1"], Fields(outcome).GetValueOrDefault("box1"));

        // A reading that missed nothing is not read again, sharpened or otherwise, however unsure Tesseract was of it.
        var enough = Directory.CreateDirectory(Path.Combine(folder, "enough")).FullName;
        var once = await TesseractOcr.ReadImageAsync(Write("shaky-again.jpg", SampleFiles.FormPhoto(interest, blurred: true)), enough, "tesseract",
            CancellationToken.None, _ => false);
        Assert.False(once.Legibility!.Legible);
        Assert.Equal((null, null), (once.SecondReading, once.SharpenedReading));
        Assert.False(File.Exists(Path.Combine(enough, "page-1-sharpened.png")));
    }

    [Fact]
    public async Task A_photo_read_mostly_as_guesses_is_read_once_more_by_the_reader_trained_for_blurred_print_which_finds_the_boxes_English_lost()
    {
        // The reader trained by scripts/ocr-model/train.sh ships with the build.
        var model = Assert.IsType<string>(TesseractOcr.BundledBlurModel);
        var dividends = new SyntheticForms(seed: 41).Create(FormKind.Form1099Div, FormLayout.Provider, 2023);
        var photo = SampleFiles.FormPhoto(dividends, blurred: true);

        async Task<DocumentText> ReadAsync(string name, string? blurModel)
        {
            var into = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
            return await TesseractOcr.ReadImageAsync(Write(name + ".jpg", photo), into, "tesseract", CancellationToken.None,
                t => Recognizer.MissedSomething(t, LatestYear), blurModel);
        }

        var english = await ReadAsync("english", null);
        var both = await ReadAsync("both", model);

        // Its reading comes after the English model's second reading, as a page of its own; the first reading is the English model's.
        Assert.Single(english.SecondReading!.Pages);
        Assert.Equal(2, both.SecondReading!.Pages.Count);
        Assert.Equal(english.Plain, both.Plain);

        // The English model's readings find none of the boxes; with the trained reader's, they are all read, and none is wrong.
        string[] boxes = ["box1a", "box1b", "box4", Recognizer.TaxpayerNumberField];
        var alone = Fields(Recognizer.Recognize(english, LatestYear, TextSource.Ocr));
        var helped = Recognizer.Recognize(both, LatestYear, TextSource.Ocr);
        Assert.All(boxes, key => Assert.False(alone.ContainsKey(key), key));
        Assert.Equal(boxes.Select(key => dividends.Expected[key]), boxes.Select(key => Fields(helped).GetValueOrDefault(key)));
        Assert.All(helped.Fields, f => Assert.Equal(dividends.Expected[f.Key], f.Value));
        Assert.Equal((FormKind.Form1099Div, (int?)2023), (helped.Kind, helped.TaxYear));
    }

    [Fact]
    public async Task Each_page_of_a_TIFF_is_read_in_order()
    {
        var (w2, interest) = Forms();
        using var pages = new MagickImageCollection { new MagickImage(interest.Sheet.ToImage()), new MagickImage(w2.Sheet.ToImage()) };
        var tiff = pages.ToByteArray(MagickFormat.Tiff);

        var text = await TesseractOcr.ReadImageAsync(Write("scan.tif", tiff), folder, "tesseract", CancellationToken.None);

        Assert.Equal(2, text.Pages.Count);
        var first = string.Join(' ', text.Pages[0].Lines.SelectMany(l => l).Select(w => w.Text));
        var second = string.Join(' ', text.Pages[1].Lines.SelectMany(l => l).Select(w => w.Text));
        Assert.Contains("1099-INT", first, StringComparison.Ordinal);
        Assert.Contains(w2.Expected["employer_ein"], second, StringComparison.Ordinal);
        Assert.DoesNotContain(w2.Expected["employer_ein"], first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_iPhone_HEIC_photo_is_converted_and_read()
    {
        Assert.True(OcrImages.ReadsHeic);
        var text = await TesseractOcr.ReadImageAsync(Write("IMG_0042.heic", SampleFiles.HeicForm()), folder, "tesseract", CancellationToken.None);

        var outcome = Recognizer.Recognize(text, LatestYear, TextSource.Ocr);
        Assert.Equal((FormKind.Form1099Int, (int?)2024), (outcome.Kind, outcome.TaxYear));
        var fields = Fields(outcome);
        Assert.Equal(("Keystone Federal Credit Union", "16480.43", "522.42"),
            (fields.GetValueOrDefault("payer_name"), fields.GetValueOrDefault("box1"), fields.GetValueOrDefault("box4")));
    }

    [Fact]
    public async Task A_scanned_PDF_has_no_text_layer_and_hands_over_its_page_images_for_OCR()
    {
        var (w2, interest) = Forms();
        var pdf = SampleFiles.ScannedPdf(w2.Sheet.ToImage(), interest.Sheet.ToImage());
        using var stream = new MemoryStream(pdf);
        Assert.Equal(0, PdfTextReader.Read(stream).WordCount);

        stream.Position = 0;
        var scans = PdfTextReader.ScannedPages(stream);
        Assert.Equal(2, scans.Count);
        var text = await TesseractOcr.ReadPagesAsync(OcrImages.PreparePages(scans, folder, CancellationToken.None), "tesseract", CancellationToken.None);

        Assert.Equal(2, text.Pages.Count);
        var outcome = Recognizer.Recognize(new DocumentText([text.Pages[0]]), LatestYear, TextSource.Ocr);
        Assert.Equal((FormKind.W2, (int?)2024, w2.Expected["box1"]), (outcome.Kind, outcome.TaxYear, Fields(outcome).GetValueOrDefault("box1")));
    }

    [Fact]
    public void A_PDF_with_a_text_layer_and_a_logo_has_no_scanned_pages()
    {
        // A small picture (a logo a quarter of the page or less) is not a scan of the page.
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.Letter).AddPng(Forms().W2.Sheet.ToImage(0.25), new UglyToad.PdfPig.Core.PdfRectangle(36, 600, 186, 750));
        using var stream = new MemoryStream(builder.Build());

        Assert.Empty(PdfTextReader.ScannedPages(stream));
    }

    [Fact]
    public void A_damaged_picture_is_refused_as_unreadable()
    {
        Assert.Throws<UnreadableImageException>(() => OcrImages.PreparePages(Write("broken.jpg", SampleFiles.Jpeg()), folder, CancellationToken.None));
        Assert.Throws<UnreadableImageException>(() => OcrImages.PreparePages([SampleFiles.Jpeg()], folder, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(folder, "page-*"));
    }

    [Fact]
    public void A_small_file_claiming_an_enormous_picture_is_refused_before_it_is_decoded()
    {
        // A PNG header that says 30,000 × 30,000 pixels (900 million): beyond the width and height ImageMagick is allowed (it hands
        // them to libpng, which refuses the header), so nothing that size is allocated.
        var png = SampleFiles.Png(30_000);

        var refused = Assert.Throws<UnreadableImageException>(() => OcrImages.PreparePages(Write("bomb.png", png), folder, CancellationToken.None));
        Assert.Contains("IHDR", Assert.IsAssignableFrom<MagickException>(refused.InnerException).Message, StringComparison.Ordinal);
    }
}
