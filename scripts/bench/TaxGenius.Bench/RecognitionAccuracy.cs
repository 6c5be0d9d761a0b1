using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Bench;

/// <summary>
/// Recognition accuracy (issue 23): a labelled corpus from <see cref="SyntheticForms"/> (every form kind, three layouts, random valid
/// values), each document as a text PDF, as a rendered image (Chromium draws the same page at 144 dpi, PNG) and as a phone-like photo
/// (the page rotated, tilted in perspective, blurred, with sensor noise, a shadow and a desk around it, JPEG). Each goes through the
/// app's own pipeline (PdfTextReader or TesseractOcr, then Recognizer) and is scored against its labels: type, year, each box. Prints
/// a Markdown table per input kind and the time per document. Writes a few samples of each kind to the work folder to look at.
/// </summary>
internal static class RecognitionAccuracy
{
    private sealed record Score(string Input, SyntheticForm Form, RecognitionOutcome Outcome, TimeSpan Elapsed);

    public static async Task<int> RunAsync(int perLayout, string workFolder, bool textOnly = false)
    {
        Directory.CreateDirectory(workFolder);
        var tesseract = Environment.GetEnvironmentVariable("TAXGENIUS_TESSERACT") is { Length: > 0 } path ? path : "tesseract";
        // TG_RECOGNITION_SEED draws another corpus (other values, years and photo distortions): a held-out check of rules tuned on the default.
        var seed = Environment.GetEnvironmentVariable("TG_RECOGNITION_SEED") is { Length: > 0 } given ? int.Parse(given, CultureInfo.InvariantCulture) : 2026;
        var generator = new SyntheticForms(seed);
        const int latestYear = 2026;
        var years = new[] { 2022, 2023, 2024, 2025 };
        var forms = new List<SyntheticForm>();
        var pick = new Random(seed == 2026 ? 7 : seed + 7);
        foreach (var kind in SyntheticForms.Kinds)
        {
            foreach (var layout in Enum.GetValues<FormLayout>())
            {
                for (var i = 0; i < perLayout; i++)
                {
                    forms.Add(generator.Create(kind, layout, years[pick.Next(years.Length)]));
                }
            }
        }

        Console.WriteLine($"Corpus (seed {seed}): {forms.Count} documents ({SyntheticForms.Kinds.Count} kinds × 3 layouts × {perLayout}), each as text PDF, image and photo");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TAXGENIUS_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new() { Width = 760, Height = 960 }, DeviceScaleFactor = 2 });

        // A phone's camera takes 12 MP (4032 × 3024): the same scene at 4 device pixels per CSS pixel is 3040 × 3840 (11.7 MP), the page
        // about 290 dpi across. The 2× scene (1520 × 1920, 2.9 MP, the page at 144 dpi) stays as a harder, low-resolution photo.
        var phone = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new() { Width = 760, Height = 960 }, DeviceScaleFactor = 4 });

        // TG_RECOGNITION_INPUTS=photo,photo 3 MP reads only those inputs (the text PDF is always read); TG_RECOGNITION_KEEP=1 keeps every sample.
        var inputs = Environment.GetEnvironmentVariable("TG_RECOGNITION_INPUTS") is { Length: > 0 } only
            ? only.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : ["image", "photo", "photo 3 MP"];
        var keepAll = Environment.GetEnvironmentVariable("TG_RECOGNITION_KEEP") is { Length: > 0 };
        var scores = new List<Score>();
        var noise = new Random(seed == 2026 ? 11 : seed + 11);
        for (var n = 0; n < forms.Count; n++)
        {
            var form = forms[n];
            var name = $"{n:000}-{form.Kind}-{form.Layout}".ToLowerInvariant();

            var pdf = form.Sheet.ToPdf();
            var clock = Stopwatch.StartNew();
            using (var stream = new MemoryStream(pdf))
            {
                var text = PdfTextReader.Read(stream);
                var outcome = Recognizer.Recognize(text, latestYear, TextSource.PdfText);
                scores.Add(new Score("text PDF", form, outcome, clock.Elapsed));
                if (Environment.GetEnvironmentVariable("TG_RECOGNITION_DUMP") is { Length: > 0 } dump
                    && form.Expected.Any(e => outcome.Fields.FirstOrDefault(f => f.Key == e.Key)?.Value != e.Value) && n < int.Parse(dump, CultureInfo.InvariantCulture))
                {
                    // The words as read, line by line with their x, to see why a box was missed (synthetic data only).
                    Console.WriteLine($"--- {name}");
                    foreach (var line in text.Pages[0].Lines)
                    {
                        Console.WriteLine("  " + string.Join(" ", line.Select(w => FormattableString.Invariant($"{w.Text}@{w.Left:0}"))));
                    }
                }
            }

            if (textOnly)
            {
                continue;
            }

            var imagePath = Path.Combine(workFolder, name + ".png");
            if (inputs.Contains("image"))
            {
                await page.SetContentAsync(form.Sheet.ToHtml());
                await page.Locator("#page").ScreenshotAsync(new() { Path = imagePath, Type = ScreenshotType.Png });
                scores.Add(await OcrAsync("image", form, imagePath, tesseract, latestYear));
            }

            // The distortions are drawn for every document, read or not, so that each document's photo is the same in every run.
            var (css, overlay) = PhotoEffects(noise);
            var photoPath = Path.Combine(workFolder, name + ".jpg");
            if (inputs.Contains("photo"))
            {
                await phone.SetContentAsync(form.Sheet.ToHtml(css, overlay));
                await phone.ScreenshotAsync(new() { Path = photoPath, Type = ScreenshotType.Jpeg, Quality = 72 });
                scores.Add(await OcrAsync("photo", form, photoPath, tesseract, latestYear));
            }

            var smallPhotoPath = Path.Combine(workFolder, name + "-3mp.jpg");
            if (inputs.Contains("photo 3 MP"))
            {
                await page.SetContentAsync(form.Sheet.ToHtml(css, overlay));
                await page.ScreenshotAsync(new() { Path = smallPhotoPath, Type = ScreenshotType.Jpeg, Quality = 72 });
                scores.Add(await OcrAsync("photo 3 MP", form, smallPhotoPath, tesseract, latestYear));
            }

            // Keep the first sample of each kind and layout to look at; the rest would only fill the disk.
            if (!keepAll && n % perLayout != 0)
            {
                File.Delete(imagePath);
                File.Delete(photoPath);
                File.Delete(smallPhotoPath);
            }

            if ((n + 1) % 10 == 0)
            {
                Console.WriteLine($"  {n + 1}/{forms.Count} documents");
            }
        }

        Report(scores);
        return 0;
    }

    private static async Task<Score> OcrAsync(string input, SyntheticForm form, string path, string tesseract, int latestYear)
    {
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("taxgenius-ocr-").FullName;
        try
        {
            var text = await TesseractOcr.ReadImageAsync(path, folder, tesseract, CancellationToken.None,
                Environment.GetEnvironmentVariable("TG_OCR_ONE_READING") is { Length: > 0 } ? null : t => Recognizer.MissedSomething(t, latestYear),
                Environment.GetEnvironmentVariable("TG_OCR_NO_BLUR_MODEL") is { Length: > 0 } ? null : TesseractOcr.BundledBlurModel);
            var outcome = Recognizer.Recognize(text, latestYear, TextSource.Ocr);
            var elapsed = clock.Elapsed;
            if (Environment.GetEnvironmentVariable("TG_RECOGNITION_DUMP_OCR") == input)
            {
                // Each box missed, what was expected and what was read, then the words by line with their x and y (synthetic data only).
                var missed = form.Expected.Where(e => outcome.Fields.FirstOrDefault(f => f.Key == e.Key)?.Value != e.Value).ToList();
                if (missed.Count > 0)
                {
                    Console.WriteLine($"--- {Path.GetFileName(path)} {form.Kind}/{outcome.Kind}{(outcome.Illegible ? " ILLEGIBLE" : "")} legibility {text.Legibility?.MeanConfidence:0}: "
                        + string.Join(", ", missed.Select(m => $"{m.Key} want '{m.Value}' got '{outcome.Fields.FirstOrDefault(f => f.Key == m.Key)?.Value}'")));
                    foreach (var line in text.Pages[0].Lines)
                    {
                        Console.WriteLine("  " + string.Join(" ", line.Select(w => FormattableString.Invariant($"{w.Text}@{w.Left:0},{w.Top:0}"))));
                    }
                }
            }

            return new Score(input, form, outcome, elapsed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A phone photo of a sheet on a desk: tilted and rotated a little, slightly out of focus, grainy, shaded on one side.</summary>
    private static (string Css, string Overlay) PhotoEffects(Random random)
    {
        var rotate = (random.NextDouble() * 7) - 3.5;
        var tilt = random.NextDouble() * 12;
        var blur = 0.3 + (random.NextDouble() * 0.6);
        var shadow = 0.12 + (random.NextDouble() * 0.25);
        var angle = random.Next(0, 360);
        var css = "body{background:#7d705f;width:760px;height:960px;display:flex;align-items:center;justify-content:center;perspective:900px}"
            + FormattableString.Invariant($".page{{transform:rotateX({tilt:0.0}deg) rotate({rotate:0.00}deg);filter:blur({blur:0.00}px) contrast(.92) brightness(.97);box-shadow:0 6px 18px rgba(0,0,0,.45)}}")
            + FormattableString.Invariant($".shade{{position:fixed;inset:0;pointer-events:none;background:linear-gradient({angle}deg,rgba(0,0,0,{shadow:0.00}),rgba(0,0,0,0) 60%)}}")
            + ".grain{position:fixed;inset:0;pointer-events:none;opacity:.16;mix-blend-mode:multiply}";
        var overlay = "<div class=\"shade\"></div><svg class=\"grain\" width=\"760\" height=\"960\"><filter id=\"n\"><feTurbulence type=\"fractalNoise\" baseFrequency=\"1.6\" numOctaves=\"2\" seed=\""
            + random.Next(1, 1000).ToString(CultureInfo.InvariantCulture) + "\"/></filter><rect width=\"100%\" height=\"100%\" filter=\"url(#n)\"/></svg>";
        return (css, overlay);
    }

    private static void Report(IReadOnlyList<Score> scores)
    {
        Console.WriteLine();
        Console.WriteLine("| input | documents | type | year | boxes | wrong boxes | median s/doc | p95 s/doc | asked to retake | boxes of the others |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var input in scores.GroupBy(s => s.Input))
        {
            var list = input.ToList();
            var type = Ratio(list.Count(s => s.Outcome.Kind == s.Form.Kind), list.Count);
            var withYear = list.Where(s => s.Form.TaxYear is not null).ToList();
            var year = Ratio(withYear.Count(s => s.Outcome.TaxYear == s.Form.TaxYear), withYear.Count);
            var (right, total) = Boxes(list);

            // A box read with another value than the form's: worse for a preparer than one left empty, which they see is missing.
            var wrong = list.Sum(s => s.Form.Expected.Count(e => Value(s, e.Key) is { } read && read != e.Value));
            var times = list.Select(s => s.Elapsed.TotalSeconds).Order().ToList();

            // The photos recognition finds too blurred to read (the client is asked for a sharper one at upload), and the boxes of the rest.
            var illegible = list.Count(s => s.Outcome.Illegible);
            var (legibleRight, legibleTotal) = Boxes([.. list.Where(s => !s.Outcome.Illegible)]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {input.Key} | {list.Count} | {type} | {year} | {Ratio(right, total)} | {Ratio(wrong, total)} | {times[times.Count / 2]:0.00} | {times[(int)(times.Count * 0.95)]:0.00} | {illegible} | {Ratio(legibleRight, legibleTotal)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Per box (right / expected), by input:");
        Console.WriteLine("| box | text PDF | image | photo | photo 3 MP |");
        Console.WriteLine("|---|---|---|---|---|");
        var keys = scores.SelectMany(s => s.Form.Expected.Keys.Select(k => (s.Form.Kind, Key: k))).Distinct().OrderBy(k => k.Kind).ThenBy(k => k.Key, StringComparer.Ordinal);
        foreach (var (kind, key) in keys)
        {
            var cells = new[] { "text PDF", "image", "photo", "photo 3 MP" }.Select(input =>
            {
                var list = scores.Where(s => s.Input == input && s.Form.Kind == kind).ToList();
                return Ratio(list.Count(s => Value(s, key) == s.Form.Expected[key]), list.Count);
            });
            Console.WriteLine($"| {kind.DisplayName()} {key} | {string.Join(" | ", cells)} |");
        }

        Console.WriteLine();
        Console.WriteLine("Misread types (input: expected → got, count):");
        foreach (var miss in scores.Where(s => s.Outcome.Kind != s.Form.Kind).GroupBy(s => (s.Input, s.Form.Kind, s.Outcome.Kind)).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"  {miss.Key.Input}: {miss.Key.Item2.DisplayName()} → {miss.Key.Item3.DisplayName()} ×{miss.Count()}");
        }

        Console.WriteLine("Misread years (input: form layout expected → got):");
        foreach (var s in scores.Where(s => s.Form.TaxYear is not null && s.Outcome.TaxYear != s.Form.TaxYear))
        {
            Console.WriteLine($"  {s.Input}: {s.Form.Kind.DisplayName()} {s.Form.Layout} {s.Form.TaxYear} → {s.Outcome.TaxYear?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        Console.WriteLine("Misread boxes on text PDFs (expected → got):");
        foreach (var s in scores.Where(s => s.Input == "text PDF"))
        {
            foreach (var (key, expected) in s.Form.Expected.Where(e => Value(s, e.Key) != e.Value))
            {
                Console.WriteLine($"  {s.Form.Kind.DisplayName()} {s.Form.Layout} {key}: '{expected}' → '{Value(s, key)}'");
            }
        }
    }

    private static (int Right, int Total) Boxes(IReadOnlyList<Score> list) =>
        (list.Sum(s => s.Form.Expected.Count(e => Value(s, e.Key) == e.Value)), list.Sum(s => s.Form.Expected.Count));

    private static string? Value(Score score, string key) => score.Outcome.Fields.FirstOrDefault(f => f.Key == key)?.Value;

    private static string Ratio(int right, int total) =>
        total == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * right / total:0.0} % ({right}/{total})");
}
