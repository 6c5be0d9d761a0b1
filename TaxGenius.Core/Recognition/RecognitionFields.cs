using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Recognition;

/// <summary>A preparer's correction of a box recognition read (or a box it missed): what it said, what it is, who and when.</summary>
public sealed record FieldCorrection(string Key, string? Extracted, string Corrected, Guid ById, DateTime At);

/// <summary>A box as the preparer sees it: the value in force (the correction, else what was read) and whether it was corrected.</summary>
public sealed partial record FieldValue(string Key, string Label, string? Extracted, string? Value, bool Corrected, FieldValueKind Kind = FieldValueKind.Text)
{
    /// <summary>
    /// <see cref="Value"/> as the form prints it: an amount with its thousands separators ("133962.15" → "133,962.15"; box 12's
    /// "D 6802.57" → "D 6,802.57"), anything else unchanged. The CSV export keeps <see cref="Value"/>, plain for tax software.
    /// </summary>
    public string? Shown => Kind switch
    {
        FieldValueKind.Money or FieldValueKind.Box12 when Value is not null => PlainAmount().Replace(Value,
            m => decimal.Parse(m.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture).ToString("N2", CultureInfo.InvariantCulture)),
        _ => Value,
    };

    [GeneratedRegex(@"(?<![\d.,])\d{4,}\.\d{2}(?![\d.])", RegexOptions.CultureInvariant)]
    private static partial Regex PlainAmount();
}

/// <summary>
/// The encrypted columns of <see cref="DocumentRecognition"/>: the boxes read and the corrections made to them, each sealed with
/// <see cref="SecretProtector"/> under a purpose bound to the document (a ciphertext copied onto another row does not open).
/// </summary>
public sealed class RecognitionFields(SecretProtector protector)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string TextPurpose(Guid documentId) => $"document-text:{documentId:N}";

    private static string FieldsPurpose(Guid documentId) => $"document-fields:{documentId:N}";

    private static string CorrectionsPurpose(Guid documentId) => $"document-corrections:{documentId:N}";

    public string ProtectText(Guid documentId, string text) => protector.Protect(TextPurpose(documentId), text);

    public string ProtectFields(Guid documentId, IReadOnlyList<ExtractedField> fields) =>
        protector.Protect(FieldsPurpose(documentId), JsonSerializer.Serialize(fields, Json));

    /// <summary>The boxes as read (none when the document was not read).</summary>
    public IReadOnlyList<ExtractedField> Read(DocumentRecognition row) => row.FieldsCipher is null
        ? []
        : JsonSerializer.Deserialize<List<ExtractedField>>(protector.Unprotect(FieldsPurpose(row.DocumentId), row.FieldsCipher), Json) ?? [];

    public IReadOnlyList<FieldCorrection> Corrections(DocumentRecognition row) => row.CorrectionsCipher is null
        ? []
        : JsonSerializer.Deserialize<List<FieldCorrection>>(protector.Unprotect(CorrectionsPurpose(row.DocumentId), row.CorrectionsCipher), Json) ?? [];

    public void SetCorrections(DocumentRecognition row, IReadOnlyList<FieldCorrection> corrections) =>
        row.CorrectionsCipher = protector.Protect(CorrectionsPurpose(row.DocumentId), JsonSerializer.Serialize(corrections, Json));

    /// <summary>Every box of the recognized form, in the form's order: read, corrected, or empty (so a missed box can be typed in).</summary>
    public IReadOnlyList<FieldValue> Values(DocumentRecognition row)
    {
        var read = Read(row).ToDictionary(f => f.Key);
        var corrected = Corrections(row).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Last());
        var specs = row.Kind is { } kind ? FieldReader.SpecsFor(kind) : [];
        var values = specs.Select(s => new FieldValue(s.Key, s.Label, read.GetValueOrDefault(s.Key)?.Value,
            corrected.TryGetValue(s.Key, out var c) ? c.Corrected : read.GetValueOrDefault(s.Key)?.Value, corrected.ContainsKey(s.Key), s.Kind)).ToList();
        if (read.TryGetValue(Recognizer.TaxpayerNumberField, out var tin))
        {
            values.Add(new FieldValue(tin.Key, tin.Label, tin.Value, tin.Value, Corrected: false));
        }

        return values;
    }
}
