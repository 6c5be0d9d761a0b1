using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Documents;

/// <summary>One step of a document's workflow: who moved it, when, from which status to which, and why.</summary>
public class DocumentStatusChange
{
    public Guid Id { get; set; }
    public Guid DocumentId { get; set; }
    public DocumentStatus? FromStatus { get; set; }
    public DocumentStatus ToStatus { get; set; }
    public string? Reason { get; set; }
    public Guid? ActorId { get; set; }
    public ApplicationUser? Actor { get; set; }
    public DateTime At { get; set; }
}

/// <summary>A staff note on a document. Internal: never shown to the client.</summary>
public class DocumentNote
{
    public const int MaxLength = 2000;

    public Guid Id { get; set; }
    public Guid DocumentId { get; set; }
    public Guid AuthorId { get; set; }
    public ApplicationUser? Author { get; set; }
    public required string Text { get; set; }
    public DateTime CreatedAt { get; set; }
}
