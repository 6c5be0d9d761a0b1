using UglyToad.PdfPig;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// A PDF's text layer, with PdfPig: each page's words and their boxes (turned to top-left coordinates). A scan saved as PDF has no
/// text layer and gives no words: the caller then needs OCR.
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
}
