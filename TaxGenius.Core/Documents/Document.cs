using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Documents;

public enum DocumentType
{
    W2,
    Form1099,
    TaxReturn,
    Id,
    Other,
}

public enum DocumentStatus
{
    Pending,
    Processing,
    Completed,
    Rejected,
}

/// <summary>A file a client handed over. The file itself lives in the encrypted store under <see cref="StorageKey"/>.</summary>
public class Document : IHasTimestamps
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public ApplicationUser? User { get; set; }

    public DocumentType Type { get; set; }

    /// <summary>The client's name for the file, sanitized; shown, never used as a path.</summary>
    public required string FileName { get; set; }

    public long FileSize { get; set; }

    /// <summary>The media type decided from the file's content (never the browser's claim): application/pdf, image/jpeg, ...</summary>
    public required string ContentType { get; set; }

    /// <summary>SHA-256 of the plaintext, lower-case hex: proves what was received.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The rejected document this upload replaces, if any.</summary>
    public Guid? ReplacesDocumentId { get; set; }

    /// <summary>
    /// When the owner chose to keep this upload although it is the same file (same <see cref="Sha256"/>) as an earlier one of
    /// theirs; until then, while it is PENDING, their documents page offers to remove the copy.
    /// </summary>
    public DateTime? DuplicateKeptAt { get; set; }

    /// <summary>A random key in the document store (never a public URL, never the user's file name).</summary>
    public required string StorageKey { get; set; }

    public DocumentStatus Status { get; set; } = DocumentStatus.Pending;

    public int TaxYear { get; set; }

    /// <summary>Why a preparer rejected the document; shown to the client. Set only while REJECTED.</summary>
    public string? RejectionReason { get; set; }

    /// <summary>The preparer working on it (set by "Claim", changed by an admin's reassign).</summary>
    public Guid? AssignedToId { get; set; }
    public ApplicationUser? AssignedTo { get; set; }
    public DateTime? AssignedAt { get; set; }

    /// <summary>
    /// Optimistic concurrency: PostgreSQL's xmin (changes with every update, no column of ours); on SQLite a counter the
    /// context increments on every update. Two preparers acting at once: exactly one save wins.
    /// </summary>
    public uint Version { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class DocumentTypeExtensions
{
    public static string DisplayName(this DocumentType type) => type switch
    {
        DocumentType.W2 => "W-2",
        DocumentType.Form1099 => "1099",
        DocumentType.TaxReturn => "Prior tax return",
        DocumentType.Id => "Photo ID",
        DocumentType.Other => "Other",
        _ => type.ToString(),
    };

    /// <summary>
    /// A first guess at a file's type from its name ("W2_acme.pdf" → W-2), which the client confirms or changes before uploading;
    /// null when the name says nothing.
    /// </summary>
    public static DocumentType? GuessFromFileName(string fileName)
    {
        var lower = fileName.ToLowerInvariant();
        return lower switch
        {
            _ when lower.Contains("w2", StringComparison.Ordinal) || lower.Contains("w-2", StringComparison.Ordinal) => DocumentType.W2,
            _ when lower.Contains("1099", StringComparison.Ordinal) => DocumentType.Form1099,
            _ when lower.Contains("1040", StringComparison.Ordinal) || lower.Contains("return", StringComparison.Ordinal) => DocumentType.TaxReturn,
            _ when lower.Contains("license", StringComparison.Ordinal) || lower.Contains("passport", StringComparison.Ordinal)
                || lower.Contains("photo-id", StringComparison.Ordinal) || lower.Contains("photo id", StringComparison.Ordinal) => DocumentType.Id,
            _ => null,
        };
    }
}
