using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using TaxGenius.Core.Signatures;

namespace TaxGenius.Core.Compliance;

/// <summary>
/// A plain, printable report (US Letter, the embedded DejaVu Sans): a title, headings, paragraphs and tables that run onto as many
/// pages as they need, each page numbered with the report's title and when it was made. Used for disposal certificates, access
/// reports and the security-plan evidence pack.
/// </summary>
public sealed class ReportPdf : IDisposable
{
    private const double Left = 54;
    private const double Width = 504;
    private const double Top = 54;
    private const double Bottom = 740;

    private readonly PdfDocument document = new();
    private readonly string title;
    private readonly string madeAt;
    private readonly XFont titleFont;
    private readonly XFont headingFont;
    private readonly XFont bodyFont;
    private readonly XFont smallFont;
    private readonly XFont smallBold;
    private XGraphics? gfx;
    private double y;

    public ReportPdf(string title, DateTime madeAtUtc)
    {
        // The embedded font is registered before the first XFont is made.
        SignedPdfWriter.EnsureFonts();
        titleFont = new XFont(SignedPdfWriter.FontFamily, 16, XFontStyleEx.Bold);
        headingFont = new XFont(SignedPdfWriter.FontFamily, 11, XFontStyleEx.Bold);
        bodyFont = new XFont(SignedPdfWriter.FontFamily, 9, XFontStyleEx.Regular);
        smallFont = new XFont(SignedPdfWriter.FontFamily, 7.5, XFontStyleEx.Regular);
        smallBold = new XFont(SignedPdfWriter.FontFamily, 7.5, XFontStyleEx.Bold);
        this.title = title;
        madeAt = madeAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        document.Info.Title = title;
        document.Info.Creator = "TaxGenius";
        NewPage();
        Write(title, titleFont, 8);
    }

    public ReportPdf Heading(string text)
    {
        y += 8;
        Room(40);
        Write(text, headingFont, 5);
        return this;
    }

    public ReportPdf Paragraph(string text)
    {
        Write(text, bodyFont, 3);
        y += 3;
        return this;
    }

    /// <summary>Label: value lines.</summary>
    public ReportPdf Facts(IEnumerable<(string Label, string Value)> facts)
    {
        foreach (var (label, value) in facts)
        {
            Write($"{label}: {value}", bodyFont, 3);
        }

        y += 3;
        return this;
    }

    /// <summary>A table; <paramref name="widths"/> are fractions of the text width. Long cells wrap; the header repeats on each page.</summary>
    public ReportPdf Table(IReadOnlyList<string> header, IReadOnlyList<double> widths, IEnumerable<IReadOnlyList<string>> rows)
    {
        var columns = widths.Select(w => w * Width).ToArray();
        DrawRow(header, columns, smallBold);
        foreach (var row in rows)
        {
            if (DrawRow(row, columns, smallFont))
            {
                DrawRow(header, columns, smallBold);
            }
        }

        y += 6;
        return this;
    }

    public byte[] ToBytes()
    {
        using var output = new MemoryStream();
        gfx?.Dispose();
        gfx = null;
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    public void Dispose()
    {
        gfx?.Dispose();
        document.Dispose();
    }

    /// <summary>Draws one row; true when it started a new page first (so the caller repeats the header).</summary>
    private bool DrawRow(IReadOnlyList<string> cells, double[] columns, XFont font)
    {
        var wrapped = cells.Select((c, i) => Wrap(c ?? "", font, columns[i] - 4).ToList()).ToList();
        var height = wrapped.Max(w => Math.Max(1, w.Count)) * (font.Size + 2) + 3;
        var newPage = Room(height);
        var x = Left;
        for (var i = 0; i < columns.Length; i++)
        {
            var lineY = y;
            foreach (var line in wrapped[i])
            {
                gfx!.DrawString(line, font, XBrushes.Black, new XRect(x, lineY, columns[i] - 4, font.Size + 2), XStringFormats.TopLeft);
                lineY += font.Size + 2;
            }

            x += columns[i];
        }

        y += height;
        gfx!.DrawLine(XPens.LightGray, Left, y - 1.5, Left + Width, y - 1.5);
        return newPage;
    }

    private void Write(string text, XFont font, double after)
    {
        foreach (var line in Wrap(text, font, Width))
        {
            Room(font.Size + after);
            gfx!.DrawString(line, font, XBrushes.Black, new XRect(Left, y, Width, font.Size + 2), XStringFormats.TopLeft);
            y += font.Size + after;
        }
    }

    /// <summary>Starts a new page when <paramref name="height"/> does not fit; true when it did.</summary>
    private bool Room(double height)
    {
        if (y + height <= Bottom)
        {
            return false;
        }

        NewPage();
        return true;
    }

    private void NewPage()
    {
        gfx?.Dispose();
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(612);
        page.Height = XUnit.FromPoint(792);
        gfx = XGraphics.FromPdfPage(page);
        gfx.DrawString($"{title} · made {madeAt} · page {document.PageCount}", smallFont, XBrushes.Gray,
            new XRect(Left, 760, Width, 10), XStringFormats.TopLeft);
        y = Top;
    }

    private IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        foreach (var paragraph in text.Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var piece = word;
                // A single word wider than the column (a hash, an id) is cut, not allowed to overflow.
                while (gfx!.MeasureString(piece, font).Width > width && piece.Length > 1)
                {
                    var fit = piece.Length - 1;
                    while (fit > 1 && gfx.MeasureString(piece[..fit], font).Width > width)
                    {
                        fit--;
                    }

                    if (line.Length > 0)
                    {
                        yield return line;
                        line = "";
                    }

                    yield return piece[..fit];
                    piece = piece[fit..];
                }

                var candidate = line.Length == 0 ? piece : line + " " + piece;
                if (line.Length > 0 && gfx!.MeasureString(candidate, font).Width > width)
                {
                    yield return line;
                    line = piece;
                }
                else
                {
                    line = candidate;
                }
            }

            yield return line;
        }
    }
}
