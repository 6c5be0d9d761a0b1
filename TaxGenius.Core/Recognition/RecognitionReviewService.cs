using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Recognition;

/// <summary>What recognition made of a document, for the preparer beside the viewer.</summary>
public sealed record RecognitionReview(RecognitionStatus Status, FormKind? Kind, double Confidence, int? TaxYear, string? Error,
    IReadOnlyList<FieldValue> Fields, string? Mismatch, int? DurationMs, bool Illegible = false)
{
    /// <summary>Whether the client was asked for a sharper photo and kept this one instead.</summary>
    public bool ClientKeptIt { get; init; }

    /// <summary>
    /// What filing it as recognized would do ("File as 1099 for 2025"), for staff who may: while it is open, and once claimed only its
    /// preparer or an admin. Null when nothing would change.
    /// </summary>
    public string? Refile { get; init; }

    public bool LowConfidence => Status == RecognitionStatus.Done && Confidence < RecognitionSuggestion.MinConfidence;
}

/// <summary>One box of one form, read from one kind of input: how often the preparers left what recognition read.</summary>
public sealed record BoxAccuracy(FormKind Kind, string Key, string Label, TextSource Source, int Checked, int Right)
{
    public double Rate => Checked == 0 ? 0 : Right / (double)Checked;
}

/// <summary>Recognition's accuracy measured from the preparers' corrections (<see cref="RecognitionReviewService.AccuracyAsync"/>), worst box first.</summary>
public sealed record RecognitionAccuracy(int Documents, int OcrDocuments, IReadOnlyList<BoxAccuracy> Boxes)
{
    /// <summary>Boxes checked and right over one kind of input (the PDF's text layer, or OCR of photos and scans).</summary>
    public (int Checked, int Right) Total(TextSource source) =>
        Boxes.Where(b => b.Source == source).Aggregate((Checked: 0, Right: 0), (sum, b) => (sum.Checked + b.Checked, sum.Right + b.Right));
}

/// <summary>
/// The preparer's side of recognition: the boxes beside the viewer (each view audited, as opening the file is), corrections (recorded
/// with who and when, and counted to measure accuracy), and an engagement's boxes as CSV for the tax software.
/// </summary>
public sealed partial class RecognitionReviewService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    RecognitionFields fields,
    AuditLog audit,
    TimeProvider timeProvider)
{
    public const int MaxValueLength = 120;

    /// <summary>The document's recognition, or null when it has none (uploaded before recognition existed, or recognition is off).</summary>
    public async Task<RecognitionReview?> GetAsync(AuditActor actor, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.DocumentRecognitions.AsNoTracking().Include(r => r.Document).SingleOrDefaultAsync(r => r.DocumentId == documentId, cancellationToken);
        if (row?.Document is not { } document)
        {
            return null;
        }

        var values = fields.Values(row);
        if (values.Any(v => v.Value is not null))
        {
            audit.Add(db, actor, AuditActions.DocumentFieldsViewed, nameof(Document), documentId, document.UserId, row.Kind?.DisplayName());
            await db.SaveChangesAsync(cancellationToken);
        }

        // What the client was told (or would have been, had they not dismissed it): a sure recognition that disagrees.
        var suggestion = RecognitionSuggestion.For(document.Type, document.TaxYear, row, TaxYears.Selectable(timeProvider), evenIfDismissed: true);
        return new RecognitionReview(row.Status, row.Kind, row.Confidence, row.TaxYear, row.Error, values,
            suggestion is null ? null : $"Filed as {document.Type.DisplayName()} for {document.TaxYear}; recognized as {suggestion.Kind.DisplayName()}{(row.TaxYear is { } y ? $" for {y}" : "")}.",
            row.DurationMs, row.Illegible)
        {
            ClientKeptIt = row.SuggestionDismissedAt is not null,
            Refile = suggestion is not null && ClientDocumentService.StaffRefileRefusal(document, actor) is null
                ? $"File as {suggestion.SuggestedType.DisplayName()} for {suggestion.SuggestedYear}"
                : null,
        };
    }

    /// <summary>
    /// Sets a box to <paramref name="value"/> (checked against the box's shape: an amount, an EIN, a state code…); null when done,
    /// else the message to show. The correction is kept beside what was read, so accuracy can be measured from real work.
    /// </summary>
    public async Task<string?> CorrectAsync(AuditActor actor, Guid documentId, string key, string? value, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.DocumentRecognitions.Include(r => r.Document).SingleOrDefaultAsync(r => r.DocumentId == documentId, cancellationToken);
        if (row?.Document is null || row.Kind is not { } kind)
        {
            return "This document was not recognized, so it has no boxes to correct.";
        }

        if (FieldReader.SpecsFor(kind).FirstOrDefault(s => s.Key == key) is not { } spec)
        {
            return "That box is not one of this form's.";
        }

        if (Normalize(spec.Kind, value) is not { } normalized)
        {
            return Expectation(spec);
        }

        var read = fields.Read(row).FirstOrDefault(f => f.Key == key)?.Value;
        var corrections = fields.Corrections(row).ToList();
        var current = corrections.LastOrDefault(c => c.Key == key)?.Corrected ?? read;
        if (current == normalized)
        {
            return null;
        }

        corrections.Add(new FieldCorrection(key, read, normalized, actor.UserId, timeProvider.GetUtcNow().UtcDateTime));
        fields.SetCorrections(row, corrections);
        // The box's name only: the value is the client's data.
        audit.Add(db, actor, AuditActions.DocumentFieldCorrected, nameof(Document), documentId, row.Document.UserId, spec.Label);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Every recognized box of the client's documents for the engagement's tax year, as CSV (one row per box: document, form, box,
    /// value, whether a preparer corrected it); null when there is no such engagement. The export is audited.
    /// </summary>
    public async Task<(string FileName, byte[] Content)?> ExportAsync(AuditActor actor, Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
        if (engagement is null)
        {
            return null;
        }

        var rows = await db.DocumentRecognitions.AsNoTracking().Include(r => r.Document)
            .Where(r => r.Document!.UserId == engagement.ClientId && r.Document.TaxYear == engagement.TaxYear && r.Status == RecognitionStatus.Done)
            .OrderBy(r => r.Document!.CreatedAt).ToListAsync(cancellationToken);
        var csv = new StringBuilder("document,form,tax_year,box,label,value,corrected\r\n");
        foreach (var row in rows)
        {
            foreach (var value in fields.Values(row).Where(v => v.Value is not null))
            {
                csv.AppendJoin(',', new[]
                {
                    row.Document!.FileName, row.Kind!.Value.DisplayName(), row.TaxYear?.ToString(CultureInfo.InvariantCulture) ?? "",
                    value.Key, value.Label, value.Value, value.Corrected ? "yes" : "no",
                }.Select(CsvWriter.Escape)).Append("\r\n");
            }
        }

        audit.Add(db, actor, AuditActions.EngagementFieldsExported, "Engagement", engagementId, engagement.ClientId, $"{rows.Count} documents");
        await db.SaveChangesAsync(cancellationToken);
        // Named by the id's random end: its start is a timestamp that engagements started together share (see ShortId).
        return ($"boxes-{engagement.TaxYear}-{engagementId.ToString("N")[^8..]}.csv", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray());
    }

    /// <summary>
    /// How well recognition reads boxes in this firm's real work, from the preparers' corrections: over the latest
    /// <paramref name="latest"/> recognized documents a preparer has completed, a box read and left as read (or corrected back to
    /// it) counts as right; a box corrected to another value, or read empty and typed in, as wrong. A box read empty and left empty
    /// is not counted (the form may have it blank). Counts only: no value leaves the method.
    /// </summary>
    public async Task<RecognitionAccuracy> AccuracyAsync(int latest = 2_000, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.DocumentRecognitions.AsNoTracking()
            .Where(r => r.Status == RecognitionStatus.Done && r.Kind != null && r.Source != null && r.Document!.Status == DocumentStatus.Completed)
            .OrderByDescending(r => r.UpdatedAt).Take(latest).ToListAsync(cancellationToken);
        var boxes = new Dictionary<(FormKind Kind, string Key, string Label, TextSource Source), (int Checked, int Right)>();
        foreach (var row in rows)
        {
            foreach (var value in fields.Values(row).Where(v => v.Key != Recognizer.TaxpayerNumberField && (v.Extracted is not null || v.Corrected)))
            {
                var key = (row.Kind!.Value, value.Key, value.Label, row.Source!.Value);
                var (seen, right) = boxes.GetValueOrDefault(key);
                boxes[key] = (seen + 1, right + (value.Extracted is not null && value.Value == value.Extracted ? 1 : 0));
            }
        }

        return new RecognitionAccuracy(rows.Count, rows.Count(r => r.Source == TextSource.Ocr),
            [.. boxes.Select(b => new BoxAccuracy(b.Key.Kind, b.Key.Key, b.Key.Label, b.Key.Source, b.Value.Checked, b.Value.Right))
                .OrderBy(b => b.Rate).ThenByDescending(b => b.Checked)]);
    }

    /// <summary>The value in the box's shape ("$1,234.5" → "1234.50", " oh " → "OH"), or null when it does not fit.</summary>
    public static string? Normalize(FieldValueKind kind, string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxValueLength)
        {
            return null;
        }

        return kind switch
        {
            FieldValueKind.Money => decimal.TryParse(text.Replace("$", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal),
                NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                ? amount.ToString("0.00", CultureInfo.InvariantCulture) : null,
            FieldValueKind.Ein => EinShape().IsMatch(text) ? $"{text.Replace("-", "", StringComparison.Ordinal)[..2]}-{text.Replace("-", "", StringComparison.Ordinal)[2..]}" : null,
            FieldValueKind.State => text.Length == 2 && text.All(char.IsAsciiLetter) ? text.ToUpperInvariant() : null,
            FieldValueKind.Code => text.Length <= 2 && text.All(char.IsAsciiLetterOrDigit) ? text.ToUpperInvariant() : null,
            _ => text,
        };
    }

    private static string Expectation(FieldSpec spec) => spec.Kind switch
    {
        FieldValueKind.Money => $"{spec.Label}: enter an amount such as 1234.56.",
        FieldValueKind.Ein => $"{spec.Label}: enter the 9-digit EIN as 12-3456789.",
        FieldValueKind.State => $"{spec.Label}: enter the two-letter state code, such as OH.",
        FieldValueKind.Code => $"{spec.Label}: enter the one- or two-character code.",
        _ => $"{spec.Label}: enter 1 to {MaxValueLength} characters.",
    };

    [GeneratedRegex(@"^\d{2}-?\d{7}$", RegexOptions.CultureInvariant)]
    private static partial Regex EinShape();
}
