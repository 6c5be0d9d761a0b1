using PdfSharp.Drawing;
using PdfSharp.Pdf;
using TaxGenius.Core.Signatures;

namespace TaxGenius.Core.Demo;

/// <summary>
/// A Form 8879-like PDF for the demo firm and the tests: real pages with the form's wording and its Part II signature lines where the
/// default fields go. Not the IRS form; close enough to place, sign and read back.
/// </summary>
public static class SampleForms
{
    public static byte[] Form8879(int taxYear, string taxpayer, string? spouse = null, int pages = 2)
    {
        SignedPdfWriter.EnsureFonts();
        using var document = new PdfDocument();
        var title = new XFont(SignedPdfWriter.FontFamily, 15, XFontStyleEx.Bold);
        var body = new XFont(SignedPdfWriter.FontFamily, 10, XFontStyleEx.Regular);
        for (var number = 1; number <= pages; number++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(612);
            page.Height = XUnit.FromPoint(792);
            using var gfx = XGraphics.FromPdfPage(page);
            if (number == 1)
            {
                gfx.DrawString("Form 8879", title, XBrushes.Black, new XPoint(54, 60));
                gfx.DrawString($"IRS e-file Signature Authorization · Tax year {taxYear}", body, XBrushes.Black, new XPoint(54, 80));
                gfx.DrawString($"Taxpayer: {taxpayer}" + (spouse is null ? "" : $"   Spouse: {spouse}"), body, XBrushes.Black, new XPoint(54, 110));
                gfx.DrawString("Part I  Tax Return Information — Whole dollars only", body, XBrushes.Black, new XPoint(54, 150));
                gfx.DrawString("1 Adjusted gross income ........ 52,340", body, XBrushes.Black, new XPoint(72, 170));
                gfx.DrawString("2 Total tax ........ 4,210", body, XBrushes.Black, new XPoint(72, 186));
                gfx.DrawString("Part II  Taxpayer Declaration and Signature Authorization", body, XBrushes.Black, new XPoint(54, 380));
                // The signature lines where SignatureDefaults puts the fields (52% and 59% down the page).
                for (var row = 0; row < 2; row++)
                {
                    var y = 792 * (0.52 + (row * 0.07) + SignatureDefaults.SignatureHeight);
                    gfx.DrawLine(XPens.Black, 72, y, 300, y);
                    gfx.DrawLine(XPens.Black, 400, y, 500, y);
                    gfx.DrawString(row == 0 ? "Your signature" : "Spouse's signature", body, XBrushes.Black, new XPoint(72, y + 12));
                    gfx.DrawString("Date", body, XBrushes.Black, new XPoint(400, y + 12));
                }
            }
            else
            {
                gfx.DrawString($"Form 8879 ({taxYear}) — page {number}", title, XBrushes.Black, new XPoint(54, 60));
                gfx.DrawString("Part III  Certification and Authentication — ERO use only", body, XBrushes.Black, new XPoint(54, 100));
            }
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
