using System.Globalization;
using System.Reflection;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace TaxGenius.Core.Signatures;

/// <summary>One signer's lines on the certificate page.</summary>
public sealed record CertificateSigner(
    string Role, string Name, string Email, string LoginId, string? IpAddress, string? UserAgent, string Verification,
    string SigningMethod, DateTime ConsentedAt, DateTime? ViewedAt, DateTime SignedAt);

/// <summary>What the certificate page says about the document.</summary>
public sealed record CertificateContent(
    string Title, Guid RequestId, string OriginalFileName, string OriginalSha256, string SignedPagesSha256, DateTime CompletedAt,
    IReadOnlyList<CertificateSigner> Signers);

/// <summary>A field to stamp: its box in fractions of the page from the top-left corner, and the signature image or the date text.</summary>
public sealed record StampedField(int Page, double X, double Y, double Width, double Height, byte[]? Image, string? Text);

/// <summary>
/// Reads uploaded PDFs (page count, sizes) and writes the signed copy with PDFsharp: each signature image and date at its field, then
/// the certificate page. The original stays as it was: this works on a copy in memory.
/// </summary>
public static class SignedPdfWriter
{
    public const string FontFamily = "DejaVu Sans";

    private static readonly Lock FontLock = new();

    /// <summary>The number of pages, or null when the file is not a PDF PDFsharp can open (damaged, or protected by a password).</summary>
    public static int? CountPages(byte[] pdf)
    {
        try
        {
            using var document = PdfReader.Open(new MemoryStream(pdf, writable: false), PdfDocumentOpenMode.Import);
            return document.PageCount;
        }
        // PDFsharp reports a damaged file with a plain Exception (e.g. "The StartXRef table could not be found") as well as its own types.
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return null;
        }
    }

    /// <summary>The original with every field stamped: the signed pages (hashed for the certificate before it is appended).</summary>
    public static byte[] Stamp(byte[] original, IReadOnlyList<StampedField> fields)
    {
        EnsureFonts();
        using var document = PdfReader.Open(new MemoryStream(original, writable: false), PdfDocumentOpenMode.Modify);
        var font = new XFont(FontFamily, 11, XFontStyleEx.Regular);
        foreach (var group in fields.GroupBy(f => f.Page))
        {
            var page = document.Pages[group.Key - 1];
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var size = gfx.PageSize;
            foreach (var field in group)
            {
                var box = new XRect(field.X * size.Width, field.Y * size.Height, field.Width * size.Width, field.Height * size.Height);
                if (field.Image is { } image)
                {
                    using var xImage = XImage.FromStream(new MemoryStream(image, writable: false));
                    // Fit the image in the box, keeping its proportions, anchored bottom-left like a pen on a line.
                    var scale = Math.Min(box.Width / xImage.PointWidth, box.Height / xImage.PointHeight);
                    var w = xImage.PointWidth * scale;
                    var h = xImage.PointHeight * scale;
                    gfx.DrawImage(xImage, box.X, box.Bottom - h, w, h);
                }
                else if (field.Text is { } text)
                {
                    gfx.DrawString(text, font, XBrushes.Black, box, XStringFormats.CenterLeft);
                }
            }
        }

        return Save(document);
    }

    /// <summary>The signed pages with the certificate page appended: the file that is stored and handed out.</summary>
    public static byte[] AppendCertificate(byte[] signedPages, CertificateContent content)
    {
        EnsureFonts();
        using var document = PdfReader.Open(new MemoryStream(signedPages, writable: false), PdfDocumentOpenMode.Modify);
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(612);
        page.Height = XUnit.FromPoint(792);
        using var gfx = XGraphics.FromPdfPage(page);
        var title = new XFont(FontFamily, 16, XFontStyleEx.Bold);
        var heading = new XFont(FontFamily, 11, XFontStyleEx.Bold);
        var body = new XFont(FontFamily, 9, XFontStyleEx.Regular);
        var y = 54.0;
        const double left = 54;
        const double width = 504;

        void Line(string text, XFont font, double after = 3)
        {
            foreach (var line in Wrap(gfx, text, font, width))
            {
                if (y > 760)
                {
                    return;
                }

                gfx.DrawString(line, font, XBrushes.Black, new XRect(left, y, width, font.Size + 2), XStringFormats.TopLeft);
                y += font.Size + after;
            }
        }

        Line("Certificate of electronic signature", title, 8);
        Line(content.Title, heading, 6);
        Line($"Request {content.RequestId}", body);
        Line($"Completed {FormatUtc(content.CompletedAt)}", body);
        Line($"Original file: {content.OriginalFileName}", body);
        Line($"SHA-256 of the original: {content.OriginalSha256}", body);
        Line($"SHA-256 of the signed pages (this file without this page): {content.SignedPagesSha256}", body, 10);
        foreach (var signer in content.Signers)
        {
            y += 6;
            Line($"{signer.Role}: {signer.Name}", heading, 5);
            Line($"E-mail: {signer.Email}", body);
            Line($"Login ID: {signer.LoginId}", body);
            Line($"IP address: {signer.IpAddress ?? "not known"}", body);
            Line($"User agent: {signer.UserAgent ?? "not known"}", body);
            Line($"Identity verification: {signer.Verification}", body);
            Line($"Signing method: {signer.SigningMethod}", body);
            Line($"Consented to sign electronically: {FormatUtc(signer.ConsentedAt)}", body);
            Line($"Viewed the document: {(signer.ViewedAt is { } viewed ? FormatUtc(viewed) : "not recorded")}", body);
            Line($"Signed: {FormatUtc(signer.SignedAt)}", body);
        }

        y += 10;
        Line("Signed electronically under the ESIGN Act (15 U.S.C. 7001) after the signers' consent. Times are UTC. The hashes let anyone " +
             "check that the original and the signed pages are the ones the signers saw.", body);
        return Save(document);
    }

    /// <summary>A moment as the certificate prints it: to the second, in UTC.</summary>
    public static string FormatUtc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static byte[] Save(PdfDocument document)
    {
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx.MeasureString(candidate, font).Width > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = candidate;
            }
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }

    internal static void EnsureFonts()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
        }
    }

    /// <summary>Every family resolves to the embedded DejaVu Sans (bold and italic simulated): the same output on every machine.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        private static readonly Lazy<byte[]> Font = new(() =>
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TaxGenius.Fonts.DejaVuSans.ttf")
                ?? throw new InvalidOperationException("The embedded font is missing from TaxGenius.Core.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });

        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
            new("DejaVuSans", isBold, isItalic);

        public byte[]? GetFont(string faceName) => Font.Value;
    }
}
