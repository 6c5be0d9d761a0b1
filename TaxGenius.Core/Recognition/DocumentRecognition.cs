using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Recognition;

public enum RecognitionStatus
{
    /// <summary>Waiting for the recognition queue.</summary>
    Queued,

    /// <summary>Read and recognized (possibly as "other").</summary>
    Done,

    /// <summary>No text could be read: a scan without OCR available, a blank page, an unreadable photo.</summary>
    Unreadable,

    /// <summary>Reading failed or ran out of time after its retries; the document itself is unaffected.</summary>
    Failed,
}

/// <summary>
/// What recognition made of a document: one row per document, written by <see cref="RecognitionService"/>. The text and the boxes are
/// encrypted (<see cref="RecognitionFields"/>, bound to the document's id) and every taxpayer number in them is masked; kind,
/// confidence and year are plain so queues can sort and filter by them.
/// </summary>
public class DocumentRecognition : IHasTimestamps
{
    public Guid DocumentId { get; set; }
    public Document? Document { get; set; }

    public RecognitionStatus Status { get; set; } = RecognitionStatus.Queued;

    public FormKind? Kind { get; set; }

    /// <summary>The rules' confidence, 0–1.</summary>
    public double Confidence { get; set; }

    public int? TaxYear { get; set; }

    public TextSource? Source { get; set; }

    /// <summary>
    /// A preparer should look twice: recognition disagrees with the type or year the client chose, is unsure, or could barely read
    /// the photo (<see cref="Illegible"/>). The queue's "Needs a check" filter; kept up to date by every reading and by the client
    /// accepting a suggestion.
    /// </summary>
    public bool NeedsCheck { get; set; }

    /// <summary>
    /// OCR could read little of the photo or scan (blurred, dark, no text found) and missed the form or its boxes because of it: the
    /// client is asked for a sharper one (<see cref="SuggestionDismissedAt"/> once they keep it).
    /// </summary>
    public bool Illegible { get; set; }

    /// <summary>The masked text, encrypted.</summary>
    public string? TextCipher { get; set; }

    /// <summary>The boxes read (JSON of <see cref="ExtractedField"/>), encrypted.</summary>
    public string? FieldsCipher { get; set; }

    /// <summary>The preparers' corrections (JSON of <see cref="FieldCorrection"/>), encrypted.</summary>
    public string? CorrectionsCipher { get; set; }

    public int Attempts { get; set; }

    /// <summary>Until when a reader holds the document (set when a job starts on it, cleared when it ends).</summary>
    public DateTime? ClaimedUntil { get; set; }

    /// <summary>
    /// When the owner chose to keep the type and year they gave despite the suggestion, or a photo despite the advice to take it
    /// again (neither is shown again).
    /// </summary>
    public DateTime? SuggestionDismissedAt { get; set; }

    /// <summary>When recognition fulfilled a requested item with this document by itself.</summary>
    public Guid? FulfilledRequestItemId { get; set; }

    /// <summary>Milliseconds the last reading took.</summary>
    public int? DurationMs { get; set; }

    /// <summary>Why reading failed, in words that never quote the document.</summary>
    public string? Error { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
