using System.Text;

namespace TaxGenius.Core.Recognition;

/// <summary>A word read from a page, its box in points (or pixels) from the page's top-left corner.</summary>
public sealed record TextWord(string Text, double Left, double Top, double Right, double Bottom)
{
    public double Height => Bottom - Top;

    public double Middle => (Top + Bottom) / 2;
}

/// <summary>
/// How sure OCR was of what it read on a page: every word it reported (also those too unsure to keep) and their mean confidence,
/// 0–100. A sharp photo of a form reads at 80–95; a blurred or dark one at 30–50, most of its "words" guesses.
/// </summary>
public sealed record OcrLegibility(int Words, double MeanConfidence)
{
    /// <summary>Below this mean confidence a reading is mostly guesses: the photo is blurred, dark or not of text.</summary>
    public const double LegibleFrom = 60;

    public bool Legible => Words > 0 && MeanConfidence >= LegibleFrom;

    /// <summary>Several pages' legibility as one, each page weighted by its words; null when none has one (a PDF's text layer).</summary>
    public static OcrLegibility? Combine(IEnumerable<OcrLegibility?> pages)
    {
        var read = pages.OfType<OcrLegibility>().ToList();
        var words = read.Sum(p => p.Words);
        return read.Count == 0 ? null : new OcrLegibility(words, words == 0 ? 0 : read.Sum(p => p.Words * p.MeanConfidence) / words);
    }
}

/// <summary>One page's words, in reading order, grouped into lines.</summary>
public sealed class TextPage
{
    public TextPage(IEnumerable<TextWord> words, OcrLegibility? legibility = null)
    {
        Lines = GroupLines(Deskew([.. words.Where(w => !string.IsNullOrWhiteSpace(w.Text))]));
        Legibility = legibility;
    }

    /// <summary>How sure OCR was of this page; null for a PDF's text layer.</summary>
    public OcrLegibility? Legibility { get; }

    /// <summary>
    /// A photo's lines run at a slant: the median slope between each word and its right-hand neighbour on the same line (similar
    /// height, close, about level) is taken out of every word's vertical place, so lines group as on a flat scan. A PDF's slope is 0.
    /// </summary>
    private static List<TextWord> Deskew(List<TextWord> words)
    {
        var slopes = new List<double>();
        var byLeft = words.OrderBy(w => w.Left).ToList();
        for (var i = 0; i < byLeft.Count; i++)
        {
            var word = byLeft[i];
            for (var j = i + 1; j < byLeft.Count && byLeft[j].Left - word.Right < word.Height * 3; j++)
            {
                var next = byLeft[j];
                var ratio = next.Height / Math.Max(0.1, word.Height);
                var dx = ((next.Left + next.Right) / 2) - ((word.Left + word.Right) / 2);
                if (next.Left > word.Right - 1 && ratio is > 0.7 and < 1.4 && Math.Abs(next.Middle - word.Middle) < word.Height && dx > 0)
                {
                    slopes.Add((next.Middle - word.Middle) / dx);
                    break;
                }
            }
        }

        if (slopes.Count < 5)
        {
            return words;
        }

        slopes.Sort();
        var slope = slopes[slopes.Count / 2];
        return Math.Abs(slope) < 0.002
            ? words
            : [.. words.Select(w => w with { Top = w.Top - (slope * (w.Left + w.Right) / 2), Bottom = w.Bottom - (slope * (w.Left + w.Right) / 2) })];
    }

    /// <summary>Lines top to bottom, each line's words left to right.</summary>
    public IReadOnlyList<IReadOnlyList<TextWord>> Lines { get; }

    /// <summary>
    /// Words whose vertical middles are within half a word's height of a line's belong to it (a PDF's text runs and an OCR engine's
    /// word boxes both come unordered and slightly misaligned).
    /// </summary>
    private static List<IReadOnlyList<TextWord>> GroupLines(IEnumerable<TextWord> words)
    {
        var lines = new List<List<TextWord>>();
        foreach (var word in words.OrderBy(w => w.Middle))
        {
            var line = lines.Count > 0 ? lines[^1] : null;
            if (line is not null && Math.Abs(line.Average(w => w.Middle) - word.Middle) <= Math.Max(2, Math.Min(word.Height, line[0].Height) * 0.5))
            {
                line.Add(word);
            }
            else
            {
                lines.Add([word]);
            }
        }

        return [.. lines.Select(l => (IReadOnlyList<TextWord>)[.. l.OrderBy(w => w.Left)])];
    }
}

/// <summary>A document's text: its pages' words with their places (what the field reader needs), and the plain text.</summary>
public sealed class DocumentText(IReadOnlyList<TextPage> pages, DocumentText? secondReading = null, DocumentText? sharpenedReading = null)
{
    public IReadOnlyList<TextPage> Pages { get; } = pages;

    /// <summary>
    /// Another OCR reading of the same pages with a different page layout (<see cref="TesseractOcr"/>), taken when the first missed
    /// something: recognition consults it only for what the first reading lacks. After its pages come those the reader trained for
    /// blurred print read, of the pages it made mostly guesses of (<see cref="TesseractOcr.BundledBlurModel"/>). Not part of
    /// <see cref="Plain"/> or <see cref="WordCount"/>.
    /// </summary>
    public DocumentText? SecondReading { get; } = secondReading;

    /// <summary>
    /// A reading of a sharpened copy of pages the first reading made mostly guesses of (<see cref="OcrImages.Sharpen"/>), with its own
    /// second reading when it missed something. It brings back a blurred photo's title and year, so recognition takes the form and
    /// its year from it when the first reading lacks them, but never a box: sharpening turns some blurred 1s into 2s and 3s, and a
    /// wrong amount is worse for a preparer than none. Not part of <see cref="Plain"/>, <see cref="WordCount"/> or
    /// <see cref="Legibility"/>.
    /// </summary>
    public DocumentText? SharpenedReading { get; } = sharpenedReading;

    /// <summary>How many words were read; a scan with no text layer has none.</summary>
    public int WordCount => Pages.Sum(p => p.Lines.Sum(l => l.Count));

    /// <summary>How sure OCR was of the pages' words (the first reading's); null for a PDF's text layer.</summary>
    public OcrLegibility? Legibility => OcrLegibility.Combine(Pages.Select(p => p.Legibility));

    public string Plain
    {
        get
        {
            var text = new StringBuilder();
            foreach (var page in Pages)
            {
                foreach (var line in page.Lines)
                {
                    text.AppendJoin(' ', line.Select(w => w.Text)).Append('\n');
                }

                text.Append('\f');
            }

            return text.ToString();
        }
    }
}
