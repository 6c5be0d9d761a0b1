using System.Globalization;
using System.Text;

namespace TaxGenius.Core.Demo;

/// <summary>
/// A one-page PDF drawn from lines of text and boxes, written by hand (the standard Helvetica fonts, no embedding): the demo firm's
/// sample W-2s, 1099s and returns. A real text layer, so a viewer shows it and a reader can extract it; the same input always gives
/// the same bytes, and a page costs microseconds, which keeps the demo seed within its start-up budget.
/// </summary>
public sealed class FormPdf
{
    private readonly StringBuilder content = new();

    /// <summary>Text at (x, y) in points from the bottom-left corner of a US Letter page (612 × 792).</summary>
    public FormPdf Text(double x, double y, double size, string text, bool bold = false)
    {
        content.Append(CultureInfo.InvariantCulture, $"BT /{(bold ? "F2" : "F1")} {size:0.##} Tf {x:0.##} {y:0.##} Td ({Escape(text)}) Tj ET\n");
        return this;
    }

    /// <summary>A stroked rectangle; <paramref name="gray"/> fills it first (0 black … 1 white).</summary>
    public FormPdf Box(double x, double y, double width, double height, double? gray = null)
    {
        if (gray is { } fill)
        {
            content.Append(CultureInfo.InvariantCulture, $"{fill:0.##} g {x:0.##} {y:0.##} {width:0.##} {height:0.##} re f 0 g\n");
        }

        content.Append(CultureInfo.InvariantCulture, $"0.5 w {x:0.##} {y:0.##} {width:0.##} {height:0.##} re S\n");
        return this;
    }

    /// <summary>A labelled box of a form: the small label on top, the value below it.</summary>
    public FormPdf Field(double x, double y, double width, double height, string label, string? value)
    {
        Box(x, y, width, height);
        Text(x + 3, y + height - 9, 6.5, label);
        if (!string.IsNullOrEmpty(value))
        {
            Text(x + 6, y + 6, 10, value, bold: false);
        }

        return this;
    }

    /// <summary>A labelled box holding several lines (a name, then its address), top to bottom under the label, as the IRS forms print them.</summary>
    public FormPdf Block(double x, double y, double width, double height, string label, params string[] lines)
    {
        Box(x, y, width, height);
        Text(x + 3, y + height - 9, 6.5, label);
        for (var i = 0; i < lines.Length; i++)
        {
            Text(x + 6, y + height - 22 - (i * 12), i == 0 ? 10 : 9, lines[i]);
        }

        return this;
    }

    public byte[] ToBytes()
    {
        var stream = content.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        ];

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>(objects.Length);
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        // Latin-1 throughout, so character offsets are byte offsets.
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' or '(' or ')' => builder.Append('\\').Append(c),
                _ when c > 0xFF => builder.Append('?'),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
