namespace TaxGenius.Core.Documents;

/// <summary>
/// A document's status changed: what a client's open page needs to update itself. Sent over the live hub
/// (<see cref="Live.LiveChannel"/>) to the owner's group once the change is committed.
/// </summary>
public sealed record DocumentStatusChanged(Guid DocumentId, Guid OwnerId, DocumentStatus Status, string? RejectionReason, DateTime ChangedAt);
