using System.Globalization;
using System.Net;
using System.Text;
using ImageMagick;
using ImageMagick.Drawing;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Core.Demo;

/// <summary>How a synthetic form is laid out: as the IRS prints it, as a payroll provider or broker prints it, or as a substitute statement.</summary>
public enum FormLayout
{
    /// <summary>The official form: boxes in a grid, each label over its value.</summary>
    Official,

    /// <summary>A provider's statement: one "Box 1 Wages, tips, other comp. … 85,000.00" line per box, names after "Employer name:".</summary>
    Provider,

    /// <summary>A substitute statement: a table of box, description and amount under a "SUBSTITUTE FORM" heading.</summary>
    Substitute,
}

/// <summary>A labelled synthetic document: what it is, its year, the boxes the recognizer should read, and how to draw it.</summary>
public sealed record SyntheticForm(FormKind Kind, FormLayout Layout, int? TaxYear, IReadOnlyDictionary<string, string> Expected, Sheet Sheet);

/// <summary>
/// A page drawn as text runs and boxes on a US Letter sheet (points, origin bottom-left), that can be written as a PDF with a text
/// layer (<see cref="FormPdf"/>) or as HTML with the same geometry (for a browser to render as an image or a "photo").
/// </summary>
public sealed class Sheet
{
    private readonly List<(double X, double Y, double Size, string Text, bool Bold)> texts = [];
    private readonly List<(double X, double Y, double W, double H)> boxes = [];

    public Sheet Text(double x, double y, double size, string text, bool bold = false)
    {
        texts.Add((x, y, size, text, bold));
        return this;
    }

    public Sheet Box(double x, double y, double width, double height)
    {
        boxes.Add((x, y, width, height));
        return this;
    }

    /// <summary>
    /// A labelled box: the label on top in small print (wrapped to the box's width, as the IRS forms wrap long labels), then its lines
    /// (a value, or a name and its address).
    /// </summary>
    public Sheet Field(double x, double y, double width, double height, string label, params string[] lines)
    {
        Box(x, y, width, height);
        var labelLines = Wrap(label, (int)((width - 6) / 3.4));
        for (var i = 0; i < labelLines.Count; i++)
        {
            Text(x + 3, y + height - 9 - (i * 7.5), 6.5, labelLines[i]);
        }

        for (var i = 0; i < lines.Length; i++)
        {
            Text(x + 6, height <= 40 ? y + 6 : y + height - 22 - (i * 12), 10, lines[i]);
        }

        return this;
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }

    public byte[] ToPdf()
    {
        var pdf = new FormPdf();
        boxes.ForEach(b => pdf.Box(b.X, b.Y, b.W, b.H));
        texts.ForEach(t => pdf.Text(t.X, t.Y, t.Size, t.Text, t.Bold));
        return pdf.ToBytes();
    }

    /// <summary>
    /// The page as a flat scan: drawn by ImageMagick at <paramref name="pixelsPerPoint"/> (2 = 144 dpi) in DejaVu Sans, written as
    /// <paramref name="format"/> (PNG, JPEG, TIFF). For tests that put a real picture of a form through OCR.
    /// </summary>
    public byte[] ToImage(double pixelsPerPoint = 2, MagickFormat format = MagickFormat.Png)
    {
        using var image = new MagickImage(MagickColors.White, (uint)(612 * pixelsPerPoint), (uint)(792 * pixelsPerPoint));
        var drawing = new Drawables().StrokeColor(MagickColors.Black).StrokeWidth(pixelsPerPoint * 0.6).FillColor(MagickColors.Transparent);
        foreach (var (x, y, w, h) in boxes)
        {
            drawing.Rectangle(x * pixelsPerPoint, (792 - y - h) * pixelsPerPoint, (x + w) * pixelsPerPoint, (792 - y) * pixelsPerPoint);
        }

        drawing.StrokeColor(MagickColors.Transparent).FillColor(MagickColors.Black).Font(SheetFont.Path);
        foreach (var (x, y, size, text, bold) in texts)
        {
            // One font file: bold is the same glyphs with a thin outline.
            drawing.FontPointSize(size * pixelsPerPoint).StrokeColor(bold ? MagickColors.Black : MagickColors.Transparent).StrokeWidth(pixelsPerPoint * 0.4)
                .Text(x * pixelsPerPoint, (792 - y) * pixelsPerPoint, text);
        }

        drawing.Draw(image);
        image.Format = format;
        return image.ToByteArray();
    }

    /// <summary>
    /// DejaVu Sans (the app's embedded font) as a file ImageMagick can load. Named by its content, so every process (each test run, the
    /// benchmark) shares one file instead of leaving one per process in the temporary folder; written aside and moved into place, so a
    /// process never loads another's half-written copy.
    /// </summary>
    private static class SheetFont
    {
        public static readonly string Path = Write();

        private static string Write()
        {
            using var font = typeof(Sheet).Assembly.GetManifestResourceStream("TaxGenius.Fonts.DejaVuSans.ttf")
                ?? throw new InvalidOperationException("The embedded font is missing.");
            using var buffer = new MemoryStream();
            font.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16];
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"taxgenius-dejavusans-{hash}.ttf");
            if (!File.Exists(path))
            {
                var aside = $"{path}.{Environment.ProcessId}.tmp";
                File.WriteAllBytes(aside, bytes);
                File.Move(aside, path, overwrite: true);
            }

            return path;
        }
    }

    /// <summary>The page as HTML, 612 × 792 CSS pixels, Helvetica-like sans, each run at its baseline.</summary>
    public string ToHtml(string extraCss = "", string overlay = "")
    {
        var html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><style>")
            .Append("html,body{margin:0;padding:0;background:#fff}")
            .Append(".page{position:relative;width:612px;height:792px;background:#fff;overflow:hidden;font-family:Helvetica,Arial,'Liberation Sans','DejaVu Sans',sans-serif;color:#111}")
            .Append(".t{position:absolute;white-space:pre;line-height:1}.b{position:absolute;border:.6px solid #222;box-sizing:border-box}")
            .Append(extraCss).Append("</style></head><body><div class=\"page\" id=\"page\">");
        foreach (var (x, y, w, h) in boxes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"b\" style=\"left:{x:0.##}px;top:{792 - y - h:0.##}px;width:{w:0.##}px;height:{h:0.##}px\"></div>");
        }

        foreach (var (x, y, size, text, bold) in texts)
        {
            // Top of the run = baseline − ascent (~0.8 em for these fonts).
            html.Append(CultureInfo.InvariantCulture,
                $"<div class=\"t\" style=\"left:{x:0.##}px;top:{792 - y - (size * 0.8):0.##}px;font-size:{size:0.##}px;{(bold ? "font-weight:bold;" : "")}\">{WebUtility.HtmlEncode(text)}</div>");
        }

        return html.Append("</div>").Append(overlay).Append("</body></html>").ToString();
    }
}

/// <summary>
/// Labelled synthetic tax documents for tests and the recognition accuracy benchmark: every form recognition knows, in three layouts,
/// with random but valid values (names, EINs, amounts that add up, masked taxpayer numbers only). Deterministic for a seed.
/// </summary>
public sealed class SyntheticForms(int seed)
{
    private readonly Random random = new(seed);

    private static readonly string[] Companies =
    [
        "Brightline Logistics LLC", "Harbor Freight Lines Inc", "Summit Ridge Dental", "Blue Heron Software", "Granite State Builders",
        "Maple Leaf Bakery Co", "Northwind Traders", "Cedar Valley Health", "Pioneer Solar Systems", "Riverside Auto Group",
    ];

    private static readonly string[] Payers =
    [
        "Lakeside Credit Union", "First Harbor Bank", "Prairie Mutual Savings", "Atlas Brokerage Services", "Evergreen Trust Company",
        "Keystone Federal Credit Union", "Coastal Community Bank", "Union Square Investments",
    ];

    private static readonly string[] People = ["Mia Lopez", "Noah Kim", "Ava Chen", "Liam Patel", "Olivia Garcia", "Ethan Brooks", "Sofia Rossi", "Lucas Meyer"];

    private static readonly string[] Streets = ["12 Oak St", "80 Dock Rd", "455 Market Ave", "9 Pine Ct", "1200 Lakeview Blvd", "77 Elm Rd"];

    private static readonly (string City, string State, string Zip)[] Cities =
    [
        ("Dayton", "OH", "45402"), ("Austin", "TX", "78701"), ("Erie", "PA", "16501"), ("Boise", "ID", "83702"), ("Tampa", "FL", "33602"),
        ("Reno", "NV", "89501"), ("Madison", "WI", "53703"), ("Raleigh", "NC", "27601"),
    ];

    /// <summary>Every kind recognition classifies (other than "other").</summary>
    public static readonly IReadOnlyList<FormKind> Kinds = [.. Enum.GetValues<FormKind>().Where(k => k != FormKind.Other)];

    public SyntheticForm Create(FormKind kind, FormLayout layout, int taxYear)
    {
        var form = kind switch
        {
            FormKind.W2 => W2(taxYear),
            FormKind.PhotoId => PhotoId(),
            FormKind.Form1040 => Form1040(taxYear),
            _ => Information(kind, taxYear),
        };
        return new SyntheticForm(kind, layout, kind.HasTaxYear() ? taxYear : null, form.Expected, Draw(form, layout, taxYear));
    }

    /// <summary>A form as data: its number and title, name blocks, boxes (number, label, value, the field key it is read into).</summary>
    private sealed record Spec(string Number, string Title, string Copy, List<(string Label, string[] Lines, string? Key)> Blocks,
        List<(string Box, string Label, string Value, string? Key)> Boxes, Dictionary<string, string> Expected, string? Provider);

    private Spec W2(int year)
    {
        var employer = Pick(Companies);
        var (street, city, state, zip) = Address();
        var employee = Pick(People);
        var ein = Ein();
        var wages = Amount(28_000, 180_000);
        var federal = Math.Round(wages * (decimal)(0.08 + (random.NextDouble() * 0.12)), 2);
        var ssWages = Math.Min(wages, 168_600m);
        var stateWages = wages;
        var stateTax = Math.Round(wages * (decimal)(0.02 + (random.NextDouble() * 0.04)), 2);
        var box12 = $"D {Money(Math.Round(wages * 0.05m, 2))}";
        var expected = new Dictionary<string, string>
        {
            ["employer_name"] = employer, ["employer_ein"] = ein, ["box1"] = Plain(wages), ["box2"] = Plain(federal), ["box3"] = Plain(ssWages),
            ["box5"] = Plain(wages), ["box12"] = box12.Replace(",", "", StringComparison.Ordinal), ["state"] = state, ["box16"] = Plain(stateWages),
            ["box17"] = Plain(stateTax), [Recognizer.TaxpayerNumberField] = $"***-**-{Last4()}",
        };
        return new Spec("W-2", "Wage and Tax Statement", "Copy B - To Be Filed With Employee's FEDERAL Tax Return",
        [
            ("a Employee's social security number", [expected[Recognizer.TaxpayerNumberField].Replace('*', 'X')], null),
            ("b Employer identification number (EIN)", [ein], "employer_ein"),
            ("c Employer's name, address, and ZIP code", [employer, $"{Pick(Streets)}, {Pick(Cities).City}, {state} {zip}"], "employer_name"),
            ("e Employee's first name and initial, last name", [employee, $"{street}, {city}, {state} {zip}"], null),
        ],
        [
            ("1", "Wages, tips, other compensation", Money(wages), "box1"), ("2", "Federal income tax withheld", Money(federal), "box2"),
            ("3", "Social security wages", Money(ssWages), "box3"), ("4", "Social security tax withheld", Money(Math.Round(ssWages * 0.062m, 2)), null),
            ("5", "Medicare wages and tips", Money(wages), "box5"), ("6", "Medicare tax withheld", Money(Math.Round(wages * 0.0145m, 2)), null),
            ("12a", "See instructions for box 12", box12, "box12"), ("15", "State", state, "state"),
            ("16", "State wages, tips, etc.", Money(stateWages), "box16"), ("17", "State income tax", Money(stateTax), "box17"),
        ], expected, Pick(["ADP", "Paychex", "Gusto", "QuickBooks Payroll"]));
    }

    private Spec Information(FormKind kind, int year)
    {
        var payer = Pick(Payers);
        var recipient = Pick(People);
        var (street, city, state, zip) = Address();
        var masked = $"***-**-{Last4()}";
        var expected = new Dictionary<string, string> { [Recognizer.TaxpayerNumberField] = masked };
        var nameKey = kind == FormKind.Form1098 ? "lender_name" : FieldReader.SpecsFor(kind).Any(s => s.Key == "payer_name") ? "payer_name" : null;
        if (nameKey is not null)
        {
            expected[nameKey] = payer;
        }

        var boxes = new List<(string, string, string, string?)>();
        void Add(string box, string label, string value, string? key = null)
        {
            boxes.Add((box, label, value, key));
            if (key is not null)
            {
                expected[key] = FieldReader.MoneyValue(value) ?? value;
            }
        }

        var amount = Amount(50, 25_000);
        var withheld = Math.Round(amount * (decimal)(random.NextDouble() * 0.15), 2);
        var (number, title) = kind switch
        {
            FormKind.Form1099Int => ("1099-INT", "Interest Income"),
            FormKind.Form1099Div => ("1099-DIV", "Dividends and Distributions"),
            FormKind.Form1099B => ("1099-B", "Proceeds From Broker and Barter Exchange Transactions"),
            FormKind.Form1099Nec => ("1099-NEC", "Nonemployee Compensation"),
            FormKind.Form1099Misc => ("1099-MISC", "Miscellaneous Information"),
            FormKind.Form1099R => ("1099-R", "Distributions From Pensions, Annuities, Retirement or Profit-Sharing Plans, IRAs, Insurance Contracts, etc."),
            FormKind.Form1099G => ("1099-G", "Certain Government Payments"),
            FormKind.Form1098 => ("1098", "Mortgage Interest Statement"),
            FormKind.Form1098T => ("1098-T", "Tuition Statement"),
            _ => ("1095-A", "Health Insurance Marketplace Statement"),
        };
        switch (kind)
        {
            case FormKind.Form1099Int:
                Add("1", "Interest income", Money(amount), "box1");
                Add("2", "Early withdrawal penalty", Money(0));
                Add("3", "Interest on U.S. Savings Bonds and Treasury obligations", Money(Amount(0, 900)), "box3");
                Add("4", "Federal income tax withheld", Money(withheld), "box4");
                break;
            case FormKind.Form1099Div:
                Add("1a", "Total ordinary dividends", Money(amount), "box1a");
                Add("1b", "Qualified dividends", Money(Math.Round(amount * 0.7m, 2)), "box1b");
                Add("2a", "Total capital gain distr.", Money(Amount(0, 2_000)));
                Add("4", "Federal income tax withheld", Money(withheld), "box4");
                break;
            case FormKind.Form1099B:
                Add("1a", "Description of property", $"{random.Next(10, 500)} sh {Pick(["VTI", "AAPL", "MSFT", "SPY"])}");
                Add("1c", "Date sold or disposed", $"{random.Next(1, 13):00}/{random.Next(1, 28):00}/{year}");
                Add("1d", "Proceeds", Money(amount));
                Add("1e", "Cost or other basis", Money(Math.Round(amount * 0.8m, 2)));
                break;
            case FormKind.Form1099Nec:
                Add("1", "Nonemployee compensation", Money(amount), "box1");
                Add("2", "Payer made direct sales totaling $5,000 or more", "");
                Add("4", "Federal income tax withheld", Money(withheld), "box4");
                break;
            case FormKind.Form1099Misc:
                Add("1", "Rents", Money(amount));
                Add("2", "Royalties", Money(Amount(0, 3_000)));
                Add("3", "Other income", Money(Amount(0, 3_000)));
                Add("4", "Federal income tax withheld", Money(withheld));
                break;
            case FormKind.Form1099R:
                Add("1", "Gross distribution", Money(amount), "box1");
                Add("2a", "Taxable amount", Money(Math.Round(amount * 0.9m, 2)), "box2a");
                Add("4", "Federal income tax withheld", Money(withheld), "box4");
                Add("7", "Distribution code(s)", Pick(["7", "1", "2", "G"]), "box7");
                break;
            case FormKind.Form1099G:
                Add("1", "Unemployment compensation", Money(amount));
                Add("2", "State or local income tax refunds", Money(Amount(0, 1_500)));
                Add("4", "Federal income tax withheld", Money(withheld));
                break;
            case FormKind.Form1098:
                Add("1", "Mortgage interest received from payer(s)/borrower(s)", Money(amount), "box1");
                Add("2", "Outstanding mortgage principal", Money(Amount(80_000, 600_000)), "box2");
                Add("3", "Mortgage origination date", $"{random.Next(1, 13):00}/{random.Next(1, 28):00}/{year - random.Next(1, 15)}");
                break;
            case FormKind.Form1098T:
                Add("1", "Payments received for qualified tuition and related expenses", Money(amount));
                Add("5", "Scholarships or grants", Money(Amount(0, 8_000)));
                break;
            default:
                Add("2", "Marketplace identifier", $"MP-{random.Next(100_000, 999_999)}");
                Add("", "Policy start date", $"01/01/{year}");
                Add("21", "Monthly enrollment premiums", Money(Amount(200, 1_400)));
                break;
        }

        var payerLabel = kind == FormKind.Form1098 ? "RECIPIENT'S/LENDER'S name, address, and telephone number"
            : kind == FormKind.Form1098T ? "FILER'S name, street address, city or town, state, and ZIP code"
            : kind == FormKind.Form1095A ? "Marketplace name and address"
            : "PAYER'S name, street address, city or town, state, and ZIP code";
        var recipientLabel = kind == FormKind.Form1098 ? "PAYER'S/BORROWER'S name" : "RECIPIENT'S name, street address, city or town, state, and ZIP code";
        return new Spec(number, title, "Copy B - For Recipient",
        [
            (payerLabel, [payer, $"{Pick(Streets)}, {Pick(Cities).City}, {state} {zip}"], nameKey),
            (kind == FormKind.Form1098 ? "RECIPIENT'S/LENDER'S TIN" : "PAYER'S TIN", [Ein()], null),
            (kind == FormKind.Form1098 ? "PAYER'S/BORROWER'S TIN" : "RECIPIENT'S TIN", [masked.Replace('*', 'X')], null),
            (recipientLabel, [recipient, $"{street}, {city}, {state} {zip}"], null),
        ], [.. boxes], expected, nameKey is null ? null : payer);
    }

    private Spec Form1040(int year)
    {
        var (street, city, state, zip) = Address();
        var wages = Amount(25_000, 160_000);
        var interest = Amount(0, 2_000);
        var total = wages + interest;
        var deduction = 14_600m;
        var taxable = Math.Max(0, total - deduction);
        var tax = Math.Round(taxable * 0.12m, 2);
        return new Spec("1040", "U.S. Individual Income Tax Return", "Department of the Treasury - Internal Revenue Service",
        [
            ("Your first name and last name", [Pick(People)], null),
            ("Home address (number and street), city, state, and ZIP code", [$"{street}, {city}, {state} {zip}"], null),
            ("Filing status", [Pick(["Single", "Married filing jointly", "Head of household"])], null),
        ],
        [
            ("1a", "Total amount from Form(s) W-2, box 1", Money(wages), null), ("2b", "Taxable interest", Money(interest), null),
            ("9", "Total income", Money(total), null), ("11", "Adjusted gross income", Money(total), null),
            ("12", "Standard deduction", Money(deduction), null), ("15", "Taxable income", Money(taxable), null), ("24", "Total tax", Money(tax), null),
        ], new Dictionary<string, string>(), null);
    }

    private Spec PhotoId()
    {
        var (street, city, state, zip) = Address();
        var person = Pick(People).ToUpperInvariant().Split(' ');
        return new Spec("", "DRIVER LICENSE", $"STATE OF {state}",
        [
            ("DL NO.", [$"{state}{random.Next(1_000_000, 9_999_999)}"], null),
            ("NAME", [person[1], person[0]], null),
            ("ADDRESS", [$"{street.ToUpperInvariant()}, {city.ToUpperInvariant()}, {state} {zip}"], null),
        ],
        [
            ("", "DOB", $"{random.Next(1, 13):00}/{random.Next(1, 28):00}/{random.Next(1950, 2004)}", null),
            ("", "EXP", $"{random.Next(1, 13):00}/{random.Next(1, 28):00}/{random.Next(2027, 2033)}", null),
            ("", "CLASS", "C", null), ("", "SEX", Pick(["F", "M"]), null),
        ], new Dictionary<string, string>(), null);
    }

    private static Sheet Draw(Spec spec, FormLayout layout, int year)
    {
        var sheet = new Sheet();
        var yearText = year.ToString(CultureInfo.InvariantCulture);
        var formName = spec.Number.Length == 0 ? spec.Title : $"Form {spec.Number}";
        switch (layout)
        {
            case FormLayout.Official:
                var heading = spec.Number.Length == 0 ? $"{spec.Copy}  {spec.Title}" : $"{formName}  {Short(spec.Title)}";
                // As large as fits before the year in the corner (bold Helvetica averages ~0.58 em per character).
                sheet.Text(36, 750, Math.Min(15, Math.Floor(440 / (heading.Length * 0.58))), heading, bold: true);
                if (spec.Number.Length > 0)
                {
                    sheet.Text(500, 750, 16, yearText, bold: true).Text(36, 734, 8, $"{spec.Copy}.  Department of the Treasury - Internal Revenue Service");
                }

                var left = 690.0;
                foreach (var (label, lines, _) in spec.Blocks)
                {
                    var height = lines.Length > 1 ? 64 : 40;
                    sheet.Field(36, left - height, 270, height, label, lines);
                    left -= height;
                }

                var row = 0;
                foreach (var (box, label, value, _) in spec.Boxes)
                {
                    var x = row % 2 == 0 ? 310.0 : 445.0;
                    var y = 650 - (row / 2 * 40);
                    sheet.Field(x, y, 135, 40, $"{box}  {label}".Trim(), value.Length == 0 ? [] : [value]);
                    row++;
                }

                break;
            case FormLayout.Provider:
                var provider = spec.Provider ?? spec.Blocks[0].Lines[0];
                sheet.Text(36, 752, 13, spec.Number.Length == 0 ? $"{spec.Copy} - {spec.Title}" : $"{provider} - {yearText} {formName} {Short(spec.Title)}", bold: true);
                sheet.Text(36, 736, 9, spec.Number.Length == 0 ? "Identification" : $"Tax Year: {yearText}    {spec.Copy}");
                var y1 = 706.0;
                foreach (var (label, lines, _) in spec.Blocks)
                {
                    sheet.Text(36, y1, 9, $"{Title(label)}:").Text(230, y1, 10, lines[0]);
                    for (var i = 1; i < lines.Length; i++)
                    {
                        y1 -= 13;
                        sheet.Text(230, y1, 9, lines[i]);
                    }

                    y1 -= 20;
                }

                sheet.Box(36, y1 + 8, 540, 0.5);
                y1 -= 10;
                foreach (var (box, label, value, _) in spec.Boxes)
                {
                    sheet.Text(36, y1, 9, box.Length == 0 ? label : $"Box {box}  {label}").Text(440, y1, 10, value);
                    y1 -= 18;
                }

                break;
            default:
                sheet.Text(36, 752, 14, spec.Number.Length == 0 ? $"{spec.Copy} {spec.Title}" : $"SUBSTITUTE {formName.ToUpperInvariant()}", bold: true);
                sheet.Text(36, 734, 10, spec.Number.Length == 0 ? "Card details" : $"{Short(spec.Title)} - Statement for recipients for calendar year {yearText}");
                var y2 = 704.0;
                foreach (var (label, lines, _) in spec.Blocks)
                {
                    sheet.Text(36, y2, 8, Title(label).ToUpperInvariant());
                    for (var i = 0; i < lines.Length; i++)
                    {
                        y2 -= 12;
                        sheet.Text(36, y2, 10, lines[i]);
                    }

                    y2 -= 18;
                }

                sheet.Box(36, y2 - 2, 540, 18).Text(42, y2 + 4, 9, "Box", bold: true).Text(90, y2 + 4, 9, "Description", bold: true)
                    .Text(470, y2 + 4, 9, "Amount / value", bold: true);
                y2 -= 20;
                foreach (var (box, label, value, _) in spec.Boxes)
                {
                    sheet.Text(42, y2, 10, box).Text(90, y2, 10, label.Length > 60 ? label[..60] : label).Text(470, y2, 10, value);
                    y2 -= 18;
                }

                break;
        }

        sheet.Text(36, 60, 7, "SAMPLE - synthetic document generated by TaxGenius for testing recognition. Not an IRS form; not a real taxpayer.");
        return sheet;
    }

    /// <summary>A long IRS title cut where the official form wraps it ("Distributions From Pensions, Annuities, …").</summary>
    private static string Short(string title) => title.Length <= 48 || !title.Contains(',', StringComparison.Ordinal) ? title : title[..title.IndexOf(',', StringComparison.Ordinal)];

    /// <summary>"PAYER'S name, street address, …" → "Payer's name", "c Employer's name, …" → "Employer's name": the label a provider prints.</summary>
    private static string Title(string label)
    {
        var head = label.Split(',')[0].Trim();
        if (head.Length > 2 && head[1] == ' ' && char.IsAsciiLetterLower(head[0]))
        {
            head = head[2..];
        }

        var words = head.Split(' ');
        if (words[0].Length > 3 && words[0].All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            words[0] = words[0][0] + words[0][1..].ToLowerInvariant();
        }

        return string.Join(' ', words);
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private (string Street, string City, string State, string Zip) Address()
    {
        var (city, state, zip) = Pick(Cities);
        return (Pick(Streets), city, state, zip);
    }

    private string Ein() => $"{random.Next(10, 99)}-{random.Next(1_000_000, 9_999_999)}";

    private string Last4() => random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);

    private decimal Amount(int min, int max) => Math.Round(min + ((decimal)random.NextDouble() * (max - min)), 2);

    private static string Money(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static string Plain(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
