using UglyToad.PdfPig;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// A PDF's text layer, with PdfPig: each page's words and their boxes (turned to top-left coordinates). A scan saved as PDF has no
/// text layer and gives no words: <see cref="ScannedPages"/> then hands over its page images for OCR.
/// </summary>
public static class PdfTextReader
{
    /// <summary>At most this many pages are read (a tax form is one or two; a prior-year return's first pages say what it is).</summary>
    public const int MaxPages = 10;

    public static DocumentText Read(Stream pdf)
    {
        using var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true });
        var pages = new List<TextPage>();
        foreach (var page in document.GetPages().Take(MaxPages))
        {
            var height = page.Height;
            pages.Add(new TextPage(page.GetWords().Select(w =>
                new TextWord(w.Text, w.BoundingBox.Left, height - w.BoundingBox.Top, w.BoundingBox.Right, height - w.BoundingBox.Bottom))));
        }

        return new DocumentText(pages);
    }

    /// <summary>
    /// A scanned PDF's pages as images ImageMagick decodes: on each page the picture that covers most of it (the scan; a logo or a
    /// signature is smaller than a quarter of the page), as a PNG when PdfPig can decode its samples, else as stored (a JPEG or JPEG 2000
    /// stream is a whole image file). Pages without such a picture are skipped.
    /// </summary>
    public static IReadOnlyList<byte[]> ScannedPages(Stream pdf)
    {
        using var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true });
        var scans = new List<byte[]>();
        foreach (var page in document.GetPages().Take(MaxPages))
        {
            var pageArea = Math.Max(1, page.Width * page.Height);
            var scan = page.GetImages().Where(i => i.BoundingBox.Area >= pageArea / 4).MaxBy(i => i.BoundingBox.Area);
            if (scan is not null)
            {
                scans.Add(scan.TryGetPng(out var png) ? png : scan.RawMemory.ToArray());
            }
        }

        return scans;
    }
}
