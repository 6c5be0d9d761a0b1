namespace TaxGenius.Core.Recognition;

/// <summary>How a document's text was read.</summary>
public enum TextSource
{
    /// <summary>The PDF's own text layer.</summary>
    PdfText,

    /// <summary>Tesseract OCR of an image.</summary>
    Ocr,
}

/// <summary>
/// What recognition found: the form, the rules' confidence, its tax year, the boxes read, and the text (every taxpayer number in it
/// masked) for the preparer's search and for re-reading with better rules later. <see cref="Illegible"/>: OCR could read little of a
/// photo or scan (blurred, dark) and recognition missed something because of it: the client is asked for a sharper one.
/// </summary>
public sealed record RecognitionOutcome(FormKind Kind, double Confidence, int? TaxYear, IReadOnlyList<ExtractedField> Fields, string MaskedText,
    TextSource Source, int Words, bool Illegible = false);

/// <summary>Classification, year and fields over a document's text; pure, so the tests and the accuracy benchmark call it directly.</summary>
public static class Recognizer
{
    /// <summary>The field that says a form carries the taxpayer's SSN or ITIN; its value is only ever the masked number.</summary>
    public const string TaxpayerNumberField = "taxpayer_tin";

    public static RecognitionOutcome Recognize(DocumentText text, int latestYear, TextSource source)
    {
        var plain = text.Plain;
        var classification = FormClassifier.Classify(text, latestYear);

        // The first reading wins; the second (another page layout) fills in the form, the year and the boxes it missed, and a
        // sharpened copy of a blurred photo the form and the year only (see DocumentText.SharpenedReading).
        IEnumerable<TextPage>?[] others =
        [
            text.SecondReading?.Pages,
            text.SharpenedReading is { } sharp ? [.. sharp.Pages, .. sharp.SecondReading?.Pages ?? []] : null,
        ];
        foreach (var another in others)
        {
            if (another is not null && (classification.Kind == FormKind.Other || classification.TaxYear is null))
            {
                var again = FormClassifier.Classify(new DocumentText([.. text.Pages, .. another]), latestYear);
                if (again.Kind != FormKind.Other && (classification.Kind == FormKind.Other || again.Kind == classification.Kind))
                {
                    classification = again;
                }
            }
        }

        var read = FieldReader.Read(text, classification.Kind).ToList();
        if (text.SecondReading is { } second)
        {
            read.AddRange(FieldReader.Read(second, classification.Kind).Where(f => read.All(r => r.Key != f.Key)));
        }

        var fields = read.Select(f => f with { Value = TaxpayerNumbers.Mask(f.Value) }).ToList();
        if (CarriesTaxpayerNumber(classification.Kind)
            && (TaxpayerNumbers.FindMasked(plain) ?? (text.SecondReading is { } other ? TaxpayerNumbers.FindMasked(other.Plain) : null)) is { } masked)
        {
            fields.Add(new ExtractedField(TaxpayerNumberField, "Taxpayer's SSN/TIN (masked)", masked));
        }

        // A reading that is mostly guesses only matters when it cost something: a blurred photo whose form and boxes were all read
        // anyway is left alone.
        return new RecognitionOutcome(classification.Kind, classification.Confidence, classification.TaxYear, fields, TaxpayerNumbers.Mask(plain),
            source, text.WordCount, Illegible: Missed(classification, fields) && text.Legibility is { Legible: false });
    }

    /// <summary>
    /// Whether an OCR reading missed something a second reading may find: no form recognized, no year on a form that has one, a box
    /// of the form's list not read, or no taxpayer number on a form that carries the taxpayer's (sparse OCR drops a number standing
    /// alone under its label; the preparer checks its last four against the client's).
    /// </summary>
    public static bool MissedSomething(DocumentText text, int latestYear)
    {
        var classification = FormClassifier.Classify(text, latestYear);
        return Missed(classification, FieldReader.Read(text, classification.Kind))
            || (CarriesTaxpayerNumber(classification.Kind) && TaxpayerNumbers.FindMasked(text.Plain) is null);
    }

    /// <summary>A tax form, which prints the taxpayer's SSN or TIN (a photo ID and an unknown document are not read for one).</summary>
    private static bool CarriesTaxpayerNumber(FormKind kind) => kind is not (FormKind.Other or FormKind.PhotoId);

    /// <summary>No form recognized, no year on a form that has one, or a box of the form's list not among the fields.</summary>
    private static bool Missed(Classification classification, IReadOnlyList<ExtractedField> fields) =>
        classification.Kind == FormKind.Other || (classification.TaxYear is null && classification.Kind.HasTaxYear())
        || FieldReader.SpecsFor(classification.Kind).Any(spec => fields.All(f => f.Key != spec.Key));
}
