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
/// masked) for the preparer's search and for re-reading with better rules later.
/// </summary>
public sealed record RecognitionOutcome(FormKind Kind, double Confidence, int? TaxYear, IReadOnlyList<ExtractedField> Fields, string MaskedText,
    TextSource Source, int Words);

/// <summary>Classification, year and fields over a document's text; pure, so the tests and the accuracy benchmark call it directly.</summary>
public static class Recognizer
{
    /// <summary>The field that says a form carries the taxpayer's SSN or ITIN; its value is only ever the masked number.</summary>
    public const string TaxpayerNumberField = "taxpayer_tin";

    public static RecognitionOutcome Recognize(DocumentText text, int latestYear, TextSource source)
    {
        var plain = text.Plain;
        var classification = FormClassifier.Classify(text, latestYear);
        var fields = FieldReader.Read(text, classification.Kind).Select(f => f with { Value = TaxpayerNumbers.Mask(f.Value) }).ToList();
        if (classification.Kind is not (FormKind.Other or FormKind.PhotoId) && TaxpayerNumbers.FindMasked(plain) is { } masked)
        {
            fields.Add(new ExtractedField(TaxpayerNumberField, "Taxpayer's SSN/TIN (masked)", masked));
        }

        return new RecognitionOutcome(classification.Kind, classification.Confidence, classification.TaxYear, fields, TaxpayerNumbers.Mask(plain),
            source, text.WordCount);
    }
}
