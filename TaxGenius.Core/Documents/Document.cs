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

    /// <summary>A random key in the document store (never a public URL, never the user's file name).</summary>
    public required string StorageKey { get; set; }

    public DocumentStatus Status { get; set; } = DocumentStatus.Pending;

    public int TaxYear { get; set; }

    /// <summary>Why a preparer rejected the document; shown to the client. Set only while REJECTED.</summary>
    public string? RejectionReason { get; set; }

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
}
