using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Tests.Core.Recognition;

/// <summary>Recognition of fixed samples: each form with its year, and the boxes exactly as printed, on text PDFs.</summary>
public sealed class RecognizerTests
{
    private const int LatestYear = 2026;

    private static RecognitionOutcome Read(byte[] pdf)
    {
        using var stream = new MemoryStream(pdf);
        return Recognizer.Recognize(PdfTextReader.Read(stream), LatestYear, TextSource.PdfText);
    }

    /// <summary>One "key=value" line per field, sorted: a failure shows every field.</summary>
    private static string Lines(Dictionary<string, string> fields) => string.Join('\n', fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));

    private static Dictionary<string, string> Fields(RecognitionOutcome outcome) => outcome.Fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public void A_W2_is_recognized_with_its_year_and_every_box()
    {
        var outcome = Read(SampleTaxForms.W2(2024, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp",
            "1 Main St, Columbus, OH 43215", "31-1234567", 52_340.17m, 5_757.42m, "TX", 1_204.50m, "D  3,140.41"));

        Assert.Equal((FormKind.W2, 2024), (outcome.Kind, outcome.TaxYear));
        Assert.True(outcome.Confidence >= 0.9, $"confidence {outcome.Confidence}");
        Assert.Equal(Lines(new Dictionary<string, string>
        {
            ["employer_name"] = "Acme Corp",
            ["employer_ein"] = "31-1234567",
            ["box1"] = "52340.17",
            ["box2"] = "5757.42",
            ["box3"] = "52340.17",
            ["box5"] = "52340.17",
            ["box12"] = "D 3140.41",
            ["state"] = "TX",
            ["box16"] = "52340.17",
            ["box17"] = "1204.50",
            [Recognizer.TaxpayerNumberField] = "***-**-1234",
        }), Lines(Fields(outcome)));
    }

    [Theory]
    [InlineData("INT", FormKind.Form1099Int, "box1", "box3", "box4")]
    [InlineData("DIV", FormKind.Form1099Div, "box1a", "box1b", "box4")]
    [InlineData("NEC", FormKind.Form1099Nec, "box1", null, "box4")]
    public void A_1099_is_recognized_with_its_year_and_boxes(string kind, FormKind expected, string amountBox, string? secondBox, string withheldBox)
    {
        var outcome = Read(SampleTaxForms.Form1099(kind, 2025, "First Harbor Bank", "200 Bay St, Tampa, FL 33602", "59-7654321", "Noah Kim",
            "4 Elm Rd, Reno, NV 89501", "XXX-XX-9876", 1_234.56m, 78.90m, 120.00m));

        Assert.Equal((expected, 2025), (outcome.Kind, outcome.TaxYear));
        var fields = Fields(outcome);
        Assert.Equal("First Harbor Bank", fields["payer_name"]);
        Assert.Equal("1234.56", fields[amountBox]);
        if (secondBox is not null)
        {
            Assert.Equal("78.90", fields[secondBox]);
        }

        Assert.Equal("120.00", fields[withheldBox]);
        Assert.Equal("***-**-9876", fields[Recognizer.TaxpayerNumberField]);
    }

    [Fact]
    public void A_1098_and_a_prior_year_1040_are_recognized_with_their_years()
    {
        var mortgage = Read(SampleTaxForms.Form1098(2025, "Harbor Savings Home Loans", "Ava Chen", 8_412.33m, 251_000m));
        Assert.Equal((FormKind.Form1098, 2025), (mortgage.Kind, mortgage.TaxYear));
        Assert.Equal(("Harbor Savings Home Loans", "8412.33", "251000.00"),
            (Fields(mortgage)["lender_name"], Fields(mortgage)["box1"], Fields(mortgage)["box2"]));

        var ret = Read(SampleTaxForms.Form1040(2024, "Ava Chen", "9 Pine Ct, Boise, ID 83702", "Single", 61_000m, 120m, 6_900m, 7_300m));
        Assert.Equal((FormKind.Form1040, 2024), (ret.Kind, ret.TaxYear));
    }

    [Fact]
    public void A_full_SSN_on_a_form_is_kept_masked_only()
    {
        var outcome = Read(SampleTaxForms.W2(2025, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "123-45-6789", "Acme Corp",
            "1 Main St, Columbus, OH 43215", "31-1234567", 50_000m, 5_000m, "TX", 0m));

        Assert.Equal("***-**-6789", Fields(outcome)[Recognizer.TaxpayerNumberField]);
        Assert.DoesNotContain("123-45-6789", outcome.MaskedText, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Fields, f => f.Value.Contains("6789", StringComparison.Ordinal) && !f.Value.StartsWith("***", StringComparison.Ordinal));
        Assert.Contains("31-1234567", outcome.MaskedText, StringComparison.Ordinal);
    }

    public static TheoryData<FormKind, FormLayout> EveryFormAndLayout()
    {
        var data = new TheoryData<FormKind, FormLayout>();
        foreach (var kind in SyntheticForms.Kinds)
        {
            foreach (var layout in Enum.GetValues<FormLayout>())
            {
                data.Add(kind, layout);
            }
        }

        return data;
    }

    /// <summary>The generator's fixed samples (seeded): each form in each layout as a text PDF gives its type, its year and every box exactly.</summary>
    [Theory]
    [MemberData(nameof(EveryFormAndLayout))]
    public void Every_form_in_every_layout_is_recognized_with_its_year_and_exact_boxes_from_a_text_PDF(FormKind kind, FormLayout layout)
    {
        var form = new SyntheticForms(seed: 100 + ((int)kind * 3) + (int)layout).Create(kind, layout, 2023);
        var outcome = Read(form.Sheet.ToPdf());

        Assert.Equal((kind, form.TaxYear), (outcome.Kind, outcome.TaxYear));
        Assert.True(outcome.Confidence >= RecognitionSuggestion.MinConfidence, $"confidence {outcome.Confidence}");
        var read = Fields(outcome);
        Assert.Equal(Lines(new Dictionary<string, string>(form.Expected)),
            Lines(form.Expected.Keys.Where(read.ContainsKey).ToDictionary(k => k, k => read[k])));
    }

    [Theory]
    [InlineData(FormKind.Form1099Int, 2025, 0.89, false, DocumentType.W2, 2025, "Reads as a 1099-INT for 2025")]
    [InlineData(FormKind.W2, 2024, 0.9, false, DocumentType.W2, 2025, "Reads as a W-2 for 2024")]
    [InlineData(FormKind.W2, null, 0.45, false, DocumentType.W2, 2025, "Recognition is unsure of it (45%)")]
    [InlineData(FormKind.PhotoId, null, 0.8, true, DocumentType.Id, 2025, "Blurred or dark: recognition could barely read it")]
    public void The_queue_says_why_recognition_flagged_a_document(FormKind kind, int? found, double confidence, bool illegible, DocumentType filedAs,
        int filedYear, string reason) =>
        Assert.Equal(reason, new QueueCheck(kind, found, confidence, illegible).Describe(filedAs, filedYear));

    [Fact]
    public void Text_that_is_no_known_form_is_other_with_no_confidence()
    {
        var outcome = Read(new FormPdf().Text(36, 750, 12, "Dear client, here are the receipts for the new roof, paid 2025-06-02.").ToBytes());
        Assert.Equal((FormKind.Other, 0d, (int?)null), (outcome.Kind, outcome.Confidence, outcome.TaxYear));
    }

    [Fact]
    public void Tesseract_tsv_becomes_words_scaled_to_a_page_width_of_612_points()
    {
        const string tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            + "1\t1\t0\t0\t0\t0\t0\t0\t1224\t1584\t-1\t\n"
            + "5\t1\t1\t1\t1\t1\t100\t200\t80\t20\t96.5\tWage\n"
            + "5\t1\t1\t1\t1\t2\t190\t202\t40\t20\t91\tand\n"
            + "5\t1\t1\t1\t1\t3\t240\t201\t40\t20\t12\t~\n";
        var text = TesseractOcr.Parse(tsv);
        var line = Assert.Single(Assert.Single(text.Pages).Lines);
        Assert.Equal(["Wage", "and"], line.Select(w => w.Text));
        Assert.Equal((50d, 100d, 90d, 110d), (line[0].Left, line[0].Top, line[0].Right, line[0].Bottom));

        // Legibility counts every word Tesseract reported, also the one too unsure to keep; lines and pages (conf -1) are not words.
        Assert.Equal(new OcrLegibility(3, (96.5 + 91 + 12) / 3), text.Legibility);
    }

    [Fact]
    public void Legibility_of_several_pages_weighs_each_by_its_words_and_a_PDF_text_layer_has_none()
    {
        Assert.Equal(new OcrLegibility(4, 50), OcrLegibility.Combine([new OcrLegibility(1, 80), new OcrLegibility(3, 40), null]));
        Assert.Null(OcrLegibility.Combine([null]));
        Assert.Equal((true, false, false), (new OcrLegibility(10, 60).Legible, new OcrLegibility(10, 59.9).Legible, new OcrLegibility(0, 0).Legible));
        using var stream = new MemoryStream(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        Assert.Null(PdfTextReader.Read(stream).Legibility);
    }

    [Theory]
    [InlineData(40, true, true)] // mostly guesses, and box 1 lost: ask for another photo
    [InlineData(40, false, false)] // mostly guesses, yet everything was read: nothing to ask
    [InlineData(85, true, false)] // a sharp photo that misses a box: the rules' fault, not the photo's
    public void A_photo_is_illegible_only_when_OCR_was_mostly_guessing_and_recognition_missed_something(double meanConfidence, bool boxLost, bool illegible)
    {
        using var stream = new MemoryStream(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).Where(w => !boxLost || !w.Text.Contains("412.07", StringComparison.Ordinal));
        var text = new DocumentText([new TextPage(words, new OcrLegibility(120, meanConfidence))]);

        Assert.Equal(illegible, Recognizer.Recognize(text, LatestYear, TextSource.Ocr).Illegible);

        // The same words from a PDF's text layer are never "illegible": there was no OCR to doubt.
        Assert.False(Recognizer.Recognize(new DocumentText([new TextPage(words)]), LatestYear, TextSource.PdfText).Illegible);
    }

    [Fact]
    public void A_second_reading_fills_only_what_the_first_missed_and_the_text_kept_is_the_first()
    {
        using var stream = new MemoryStream(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        var full = PdfTextReader.Read(stream);

        // What sparse OCR does beside a ruled box on a tilted photo: box 1's amount is not in the first reading at all.
        var words = full.Pages[0].Lines.SelectMany(l => l).ToList();
        var first = new DocumentText([new TextPage(words.Where(w => !w.Text.Contains("412.07", StringComparison.Ordinal)))]);
        Assert.DoesNotContain(Recognizer.Recognize(first, LatestYear, TextSource.Ocr).Fields, f => f.Key == "box1");
        Assert.True(Recognizer.MissedSomething(first, LatestYear));
        Assert.False(Recognizer.MissedSomething(full, LatestYear));

        // The second reading has it, and a different box 4 (misread): the first reading's box 4 stands.
        var second = new DocumentText([new TextPage(words.Select(w => w.Text.Contains("7.25", StringComparison.Ordinal) ? w with { Text = "1.25" } : w))]);
        var outcome = Recognizer.Recognize(new DocumentText(first.Pages, second), LatestYear, TextSource.Ocr);

        Assert.Equal((FormKind.Form1099Int, (int?)2024), (outcome.Kind, outcome.TaxYear));
        Assert.Equal(("412.07", "18.40", "7.25"),
            (Fields(outcome).GetValueOrDefault("box1"), Fields(outcome).GetValueOrDefault("box3"), Fields(outcome).GetValueOrDefault("box4")));
        Assert.Equal(Recognizer.Recognize(first, LatestYear, TextSource.Ocr).MaskedText, outcome.MaskedText);
        Assert.Equal(first.WordCount, outcome.Words);
    }

    [Fact]
    public void A_sharpened_reading_gives_a_blurred_photo_its_form_and_year_but_none_of_its_boxes()
    {
        using var stream = new MemoryStream(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).ToList();

        // The photo as taken: mostly guesses, its title and year lost, box 1 lost; box 4 read.
        string[] lost = ["1099", "INT", "Interest", "2024", "412.07", "penalty", "withdrawal", "Savings", "TIN"];
        var first = new DocumentText([new TextPage(words.Where(w => !lost.Any(l => w.Text.Contains(l, StringComparison.OrdinalIgnoreCase))),
            new OcrLegibility(120, 40))]);
        Assert.Equal(FormKind.Other, Recognizer.Recognize(first, LatestYear, TextSource.Ocr).Kind);

        // Its sharpened copy reads the title and the year, and box 1 with its 1s as 3s: the form and the year are taken from it, no box.
        var sharpened = new DocumentText([new TextPage(words.Select(w => w.Text.Contains("412.07", StringComparison.Ordinal) ? w with { Text = "432.07" } : w),
            new OcrLegibility(120, 52))]);
        var outcome = Recognizer.Recognize(new DocumentText(first.Pages, sharpenedReading: sharpened), LatestYear, TextSource.Ocr);

        Assert.Equal((FormKind.Form1099Int, (int?)2024), (outcome.Kind, outcome.TaxYear));
        Assert.False(Fields(outcome).ContainsKey("box1"));
        Assert.Equal("7.25", Fields(outcome).GetValueOrDefault("box4"));

        // Box 1 is still lost and the photo was mostly guesses: the client is still asked for a sharper one, and the text kept is the first's.
        Assert.True(outcome.Illegible);
        Assert.Equal(Recognizer.Recognize(first, LatestYear, TextSource.Ocr).MaskedText, outcome.MaskedText);
        Assert.Equal(first.WordCount, outcome.Words);
    }

    [Fact]
    public void A_numbered_box_is_read_when_OCR_garbled_or_lost_a_word_of_its_label_but_only_after_its_own_number()
    {
        // As OCR read photos in the benchmark: "1 merest income", "la ordinary dividends" (1a, "Total" lost).
        var interest = Garbled(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m), ("Interest", "income", "merest"));
        var dividends = Garbled(SampleTaxForms.Form1099("DIV", 2024, "Atlas Brokerage Services", "9 Pine Ct, Dayton, OH 45402", "39-2865962",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 8_632.98m, 6_043.09m, 379.74m), ("1a", "Total", "la"), ("Total", "ordinary", null));
        Assert.Equal("412.07", Fields(Recognizer.Recognize(interest, LatestYear, TextSource.Ocr)).GetValueOrDefault("box1"));
        Assert.Equal(("8632.98", "6043.09"), (Fields(Recognizer.Recognize(dividends, LatestYear, TextSource.Ocr)).GetValueOrDefault("box1a"),
            Fields(Recognizer.Recognize(dividends, LatestYear, TextSource.Ocr)).GetValueOrDefault("box1b")));

        // The same garbled label after another box's number is not box 1.
        var renumbered = Garbled(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m), ("Interest", "income", "merest"), ("1", "merest", "7"));
        var fields = Fields(Recognizer.Recognize(renumbered, LatestYear, TextSource.Ocr));
        Assert.False(fields.ContainsKey("box1"));
        Assert.Equal("7.25", fields.GetValueOrDefault("box4"));
    }

    [Fact]
    public void A_numbered_box_is_read_when_OCR_kept_only_the_last_word_of_its_label_after_its_number()
    {
        // As OCR read photos in the benchmark: "1 income" (Interest lost), "la dividends" (Total ordinary lost), "i COMpPeNsation".
        static byte[] Form(string kind) => SampleTaxForms.Form1099(kind, 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m);
        string? Box(DocumentText text, string key) => Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault(key);

        Assert.Equal("412.07", Box(Garbled(Form("INT"), ("Interest", "income", null)), "box1"));
        Assert.Equal("412.07", Box(Garbled(Form("DIV"), ("1a", "Total", "la"), ("Total", "ordinary", null), ("ordinary", "dividends", null)), "box1a"));
        Assert.Equal("412.07", Box(Garbled(Form("NEC"), ("1", "Nonemployee", "i"), ("Nonemployee", "compensation", null), ("compensation", "2", "COMpPeNsation")), "box1"));

        // After another box's number the same word is not box 1 (the title's "Interest Income" garbled too, as it names the label);
        // and box 1b's "dividends" is not box 1a's.
        Assert.Null(Box(Garbled(Form("INT"), ("Interest", "income", null), ("1", "income", "7"), ("Interest", "Income", null), ("Income", "2024", "~~")), "box1"));
        var qualifiedOnly = Garbled(Form("DIV"), ("1a", "Total", null), ("Total", "ordinary", null), ("ordinary", "dividends", null), ("Qualified", "dividends", null));
        Assert.Null(Box(qualifiedOnly, "box1a"));
        Assert.Equal("18.40", Box(qualifiedOnly, "box1b"));
    }

    [Fact]
    public void A_numbered_box_is_read_when_OCR_kept_only_the_first_word_of_its_label_after_its_number()
    {
        // As OCR read photos in the benchmark: "7 Distribution" (code(s) lost at the line's end), "2 Outstanding Moarigage" (mortgage
        // garbled, principal lost). Here: "2 Federal lncorne fax withheld", two words garbled beyond the one a long label may have.
        static DocumentText W2(params (string Word, string Next, string? ReadAs)[] edits) => Garbled(SampleTaxForms.W2(2024, "Olivia Garcia",
            "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp", "1 Main St, Columbus, OH 43215", "31-1234567", 52_340.17m, 5_757.42m, "TX",
            1_204.50m), edits);
        string? Box(DocumentText text, string key) => Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault(key);

        (string, string, string?)[] garbled = [("income", "tax", "lncorne"), ("tax", "withheld", "fax")];
        Assert.Equal("5757.42", Box(W2(garbled), "box2"));

        // With a speck after the number read as punctuation ("2?" on seed 27182's 1098), the same.
        Assert.Equal("5757.42", Box(W2([("2", "Federal", "2?"), .. garbled]), "box2"));

        // After another box's number the same first word is not box 2.
        Assert.Null(Box(W2([("2", "Federal", "9"), .. garbled]), "box2"));
    }

    [Fact]
    public void A_box_number_1_OCR_read_as_a_bracket_still_anchors_its_label()
    {
        // Seed 6174's photo of a 1098: "] interest received fran" for "1 Mortgage interest received from payer(s)/borrower(s)".
        var interest = Garbled(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m), ("1", "Interest", "]"), ("Interest", "income", null));
        Assert.Equal("412.07", Fields(Recognizer.Recognize(interest, LatestYear, TextSource.Ocr)).GetValueOrDefault("box1"));
    }

    [Theory]
    [InlineData("TX", "TX")]
    [InlineData("Tx", "TX")] // x and X look alike
    [InlineData("wi", "WI")]
    [InlineData("Wi", "WI")]
    [InlineData("id", null)] // a word, not ID misread: d is not D
    [InlineData("XQ", null)] // no such state
    public void A_W2s_state_is_a_postal_code_OCR_may_have_read_in_lower_case_where_the_capital_looks_the_same(string read, string? state)
    {
        var words = Garbled(SampleTaxForms.W2(2024, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp",
            "1 Main St, Columbus, OH 43215", "31-1234567", 52_340.17m, 5_757.42m, "TX", 1_204.50m)).Pages[0].Lines.SelectMany(l => l).ToList();
        var text = new DocumentText([new TextPage(words.Select(w => w.Text == "TX" ? w with { Text = read } : w))]);
        Assert.Equal(state, Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault("state"));
    }

    [Theory]
    [InlineData("Union Square Investments", "Investments", "investments", "Union Square Investments")]
    [InlineData("Prairie Mutual Savings", "Savings", "Ssavings", "Prairie Mutual Savings")]
    [InlineData("Lloyds Trust", "Lloyds", "Lloyds", "Lloyds Trust")] // Ll starts English words
    [InlineData("union square investments", "investments", "investments", "union square investments")] // printed in lower case
    [InlineData("Acme Corp", "Corp", "Corp", "Acme Corp")]
    [InlineData("Maple Leaf Bakery Co", "Co", "co", "Maple Leaf Bakery Co")]
    [InlineData("Bank of Ozarks", "of", "of", "Bank of Ozarks")] // printed in lower case, and "of" names do
    [InlineData("Harbor Freight Lines Inc", "Inc", "Ine", "Harbor Freight Lines Inc")] // c read as e (seed 6174's photos)
    [InlineData("Harbor Freight Lines Inc", "Inc", "lnc", "Harbor Freight Lines Inc")]
    [InlineData("Ine Holdings", "Ine", "Ine", "Ine Holdings")] // only a company's last word is its "Inc"
    [InlineData("Brightline Logistics LLC", "LLC", "LL", "Brightline Logistics LLC")] // C lost (seed 27182's photos)
    [InlineData("Keystone Federal Credit Union", "Federal", "Federa|", "Keystone Federal Credit Union")] // l read as a bar
    public void A_names_capital_OCR_misread_is_restored_only_where_OCR_confuses_it(string printed, string word, string readAs, string name)
    {
        var text = Garbled(SampleTaxForms.Form1099("INT", 2024, printed, "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        var misread = new DocumentText([new TextPage(text.Pages[0].Lines.SelectMany(l => l).Select(w => w.Text == word ? w with { Text = readAs } : w))]);
        Assert.Equal(name, Fields(Recognizer.Recognize(misread, LatestYear, TextSource.Ocr)).GetValueOrDefault("payer_name"));
    }

    [Fact]
    public void A_form_whose_taxpayer_number_OCR_dropped_is_read_again_but_not_sent_back_for_it()
    {
        using var stream = new MemoryStream(SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m));
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).ToList();
        var first = new DocumentText([new TextPage(words.Where(w => w.Text != "XXX-XX-5555"), new OcrLegibility(120, 40))]);

        // Sparse OCR dropped the number standing alone under its label: a second reading is worth it, and it fills the number in.
        Assert.True(Recognizer.MissedSomething(first, LatestYear));
        var outcome = Recognizer.Recognize(first, LatestYear, TextSource.Ocr);
        Assert.DoesNotContain(outcome.Fields, f => f.Key == Recognizer.TaxpayerNumberField);
        Assert.Equal("***-**-5555", Fields(Recognizer.Recognize(new DocumentText(first.Pages, new DocumentText([new TextPage(words)])), LatestYear,
            TextSource.Ocr)).GetValueOrDefault(Recognizer.TaxpayerNumberField));

        // Every box was read: a mostly-guessed photo is not sent back for the number alone.
        Assert.False(outcome.Illegible);
    }

    [Fact]
    public void A_name_after_a_colon_OCR_read_as_a_dash_is_read()
    {
        var form = new SyntheticForms(seed: 38).Create(FormKind.Form1099R, FormLayout.Provider, 2024);
        using var stream = new MemoryStream(form.Sheet.ToPdf());
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).ToList();
        Assert.Contains(words, w => w.Text == "name:");

        // "Payer's name- Evergreen Trust Company", as OCR read a photo: the name beside it is the value (it took "Payer's TIN:", the
        // label under it, before).
        var dashed = new DocumentText([new TextPage(words.Select(w => w.Text == "name:" ? w with { Text = "name-" } : w))]);
        Assert.Equal(form.Expected["payer_name"], Fields(Recognizer.Recognize(dashed, LatestYear, TextSource.Ocr)).GetValueOrDefault("payer_name"));
    }

    [Fact]
    public void A_payers_name_is_read_when_OCR_lost_or_garbled_the_start_of_its_label_but_never_the_recipients_instead()
    {
        static byte[] Interest() => SampleTaxForms.Form1099("INT", 2024, "Lakeside Credit Union", "1 Shore Dr, Erie, PA 16501", "25-1112223",
            "Riley Recognized", "7 Hill Rd, Erie, PA 16502", "XXX-XX-5555", 412.07m, 18.40m, 7.25m);
        string? Payer(DocumentText text) => Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault("payer_name");

        // As OCR read photos in the benchmark: "PAYER'S" lost, and the recipient's label has lost "RECIPIENT'S" too.
        Assert.Equal("Lakeside Credit Union", Payer(Garbled(Interest(), ("PAYER'S", "name,", null), ("RECIPIENT'S", "name,", null))));

        // "PAYERS S name, feet address City or COMM, Stace, and Zip code": the label's start garbled, its end still reads.
        Assert.Equal("Lakeside Credit Union", Payer(Garbled(Interest(), ("PAYER'S", "name,", "PAYERS"), ("street", "address,", "feet"), ("town,", "state,", "COMM,"))));

        // The payer's label unreadable and the recipient's without "RECIPIENT'S": the block below the TINs is the client's own, so no payer.
        var lines = Garbled(Interest(), ("RECIPIENT'S", "name,", null)).Pages[0].Lines;
        var payerLine = lines.Single(l => l.Any(w => w.Text == "PAYER'S") && l.Any(w => w.Text == "street"));
        var unreadable = new DocumentText([new TextPage(lines.SelectMany(l => l == payerLine ? l.Select(w => w.Left < 300 ? w with { Text = "~~" } : w) : l))]);
        Assert.Null(Payer(unreadable));
        Assert.Equal("412.07", Fields(Recognizer.Recognize(unreadable, LatestYear, TextSource.Ocr)).GetValueOrDefault("box1"));
    }

    [Fact]
    public void A_W2s_employer_is_read_when_OCR_lost_the_first_word_of_its_block_label()
    {
        // "¢ name, address, and ZIP code", as OCR read a photo: "Employer's" lost; the employee's block below has other words.
        var text = Garbled(SampleTaxForms.W2(2024, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp",
            "1 Main St, Columbus, OH 43215", "31-1234567", 52_340.17m, 5_757.42m, "TX", 1_204.50m), ("c", "Employer's", "¢"), ("Employer's", "name,", null));
        Assert.Contains(text.Pages[0].Lines, l => l.Count > 1 && l[0].Text == "¢" && l[1].Text == "name,");
        Assert.Equal("Acme Corp", Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault("employer_name"));
    }

    [Fact]
    public void A_W2s_EIN_is_read_when_OCR_kept_only_the_end_of_its_label()
    {
        // "b Employer (EIN)", as OCR read a photo: what is left of the label starts far right of the number under it.
        var text = Garbled(SampleTaxForms.W2(2024, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp",
            "1 Main St, Columbus, OH 43215", "31-1234567", 52_340.17m, 5_757.42m, "TX", 1_204.50m), ("identification", "number", null), ("number", "(EIN)", null));
        Assert.DoesNotContain(text.Pages[0].Lines.SelectMany(l => l), w => w.Text == "identification");
        Assert.Equal("31-1234567", Fields(Recognizer.Recognize(text, LatestYear, TextSource.Ocr)).GetValueOrDefault("employer_ein"));
    }

    [Fact]
    public void A_name_OCR_split_inside_a_word_is_read_whole_and_its_words_stay_apart()
    {
        var form = new SyntheticForms(seed: 38).Create(FormKind.Form1099R, FormLayout.Official, 2024);
        using var stream = new MemoryStream(form.Sheet.ToPdf());
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).ToList();
        var name = form.Expected["payer_name"];
        var last = words.Last(w => name.EndsWith(w.Text, StringComparison.Ordinal) && w.Text.Length > 3);

        // "Evergreen Trust Compan y", as OCR read a photo: the last letter a word of its own, almost touching.
        var cut = last.Left + ((last.Right - last.Left) * (last.Text.Length - 1) / last.Text.Length);
        var split = words.SelectMany(w => w != last ? [w] : new[] { w with { Text = w.Text[..^1], Right = cut - 0.3 }, w with { Text = w.Text[^1..], Left = cut } });
        Assert.Equal(name, Fields(Recognizer.Recognize(new DocumentText([new TextPage(split)]), LatestYear, TextSource.Ocr)).GetValueOrDefault("payer_name"));
        Assert.Contains(' ', name);
    }

    [Theory]
    [InlineData("Z", "2")]
    [InlineData("I", "1")]
    [InlineData("7", "7")]
    [InlineData("G", "G")]
    public void A_distribution_code_misread_as_a_letter_no_code_uses_is_read_as_its_digit(string read, string code)
    {
        var form = new SyntheticForms(seed: 38).Create(FormKind.Form1099R, FormLayout.Official, 2024);
        using var stream = new MemoryStream(form.Sheet.ToPdf());
        var words = PdfTextReader.Read(stream).Pages[0].Lines.SelectMany(l => l).ToList();
        var label = words.Single(w => w.Text == "Distribution");
        var value = words.Where(w => w.Text == form.Expected["box7"] && w.Top > label.Bottom && Math.Abs(w.Left - label.Left) < 40).MinBy(w => w.Top);
        Assert.NotNull(value);
        var misread = new DocumentText([new TextPage(words.Select(w => w == value ? w with { Text = read } : w))]);
        Assert.Equal(code, Fields(Recognizer.Recognize(misread, LatestYear, TextSource.Ocr)).GetValueOrDefault("box7"));
    }

    [Theory]
    [InlineData("RECIPIENT'S TIN XXX-XX-B278", "***-**-8278", "RECIPIENT'S TIN ***-**-8278")]
    [InlineData("RECIPIENT'S TIN XXX-XX-9O9B", "***-**-9098", "RECIPIENT'S TIN ***-**-9098")]
    [InlineData("SSN 123-45-9O9B", "***-**-9098", "SSN ***-**-9098")]
    [InlineData("Ref XXX-XX-BOSS or XXX-XX-SOB1", null, "Ref XXX-XX-BOSS or XXX-XX-SOB1")]
    [InlineData("SSN 123-45-67S9 on file", "***-**-6759", "SSN ***-**-6759 on file")]
    [InlineData("SSN l23-45-6789", "***-**-6789", "SSN ***-**-6789")]
    [InlineData("Payer's TIN 12-3456789", null, "Payer's TIN 12-3456789")]
    [InlineData("Ref XXX-XX-BOSS, code SOB-IS-BOSS", null, "Ref XXX-XX-BOSS, code SOB-IS-BOSS")]
    [InlineData("PAYER'S/BORROWER'S TIN XXX-XX-B8458", "***-**-8458", "PAYER'S/BORROWER'S TIN ***-**-8458")] // a character added
    [InlineData("RECIPIENT'S TIN XXX-XX-54A57", "***-**-5457", "RECIPIENT'S TIN ***-**-5457")]
    [InlineData("Ref XXX-XX-AB12C", null, "Ref XXX-XX-AB12C")]
    [InlineData("SSN 123-45-67B89 on file", "***-**-6789", "SSN ***-**-6789 on file")] // a full number is masked all the same
    [InlineData("Order 123-AB-67B89", null, "Order 123-AB-67B89")]
    [InlineData("RECIPIENT'S TIN XXX-XX-45 36", "***-**-4536", "RECIPIENT'S TIN ***-**-4536")] // the last four read as two words
    [InlineData("RECIPIENT'S TIN XXX-XX-45 367", null, "RECIPIENT'S TIN XXX-XX-45 367")] // five digits are not the last four
    [InlineData("TIN XXX-XX-12 2025", null, "TIN XXX-XX-12 2025")]
    [InlineData("SSN 123-45-67 89 on file", "***-**-6789", "SSN ***-**-6789 on file")] // a full number split so is masked too
    public void A_taxpayer_number_OCR_garbled_a_digit_of_is_found_and_masked_and_words_are_not(string text, string? found, string masked)
    {
        Assert.Equal(found, TaxpayerNumbers.FindMasked(text));
        Assert.Equal(masked, TaxpayerNumbers.Mask(text));
    }

    [Theory]
    [InlineData(FieldValueKind.Money, "133962.15", "133,962.15")]
    [InlineData(FieldValueKind.Money, "1234567.00", "1,234,567.00")]
    [InlineData(FieldValueKind.Money, "412.07", "412.07")]
    [InlineData(FieldValueKind.Box12, "D 6802.57; DD 12000.00", "D 6,802.57; DD 12,000.00")]
    [InlineData(FieldValueKind.Ein, "12-3456789", "12-3456789")]
    [InlineData(FieldValueKind.Text, "Unit 12345.67 Ltd", "Unit 12345.67 Ltd")]
    [InlineData(FieldValueKind.Money, null, null)]
    public void A_box_is_shown_as_the_form_prints_it_and_kept_plain_for_the_export(FieldValueKind kind, string? value, string? shown)
    {
        var field = new FieldValue("box1", "Box 1", value, value, Corrected: false, kind);

        Assert.Equal(shown, field.Shown);
        Assert.Equal(value, field.Value);
    }

    /// <summary>
    /// The PDF's words with OCR's mistakes: each edit replaces <c>Word</c> where <c>Next</c> follows it on its line by <c>ReadAs</c>, or
    /// drops it when <c>ReadAs</c> is null; the edits apply in order.
    /// </summary>
    private static DocumentText Garbled(byte[] pdf, params (string Word, string Next, string? ReadAs)[] edits)
    {
        using var stream = new MemoryStream(pdf);
        var lines = PdfTextReader.Read(stream).Pages[0].Lines.Select(l => l.ToList()).ToList();
        foreach (var (word, next, readAs) in edits)
        {
            foreach (var line in lines)
            {
                var i = Enumerable.Range(0, Math.Max(0, line.Count - 1)).FirstOrDefault(i => line[i].Text == word && line[i + 1].Text == next, -1);
                if (i >= 0)
                {
                    if (readAs is null)
                    {
                        line.RemoveAt(i);
                    }
                    else
                    {
                        line[i] = line[i] with { Text = readAs };
                    }
                }
            }
        }

        return new DocumentText([new TextPage(lines.SelectMany(l => l))]);
    }
}
