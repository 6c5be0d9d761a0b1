namespace TaxGenius.Core.Documents;

/// <summary>
/// The review workflow: PENDING → PROCESSING → COMPLETED or REJECTED (REJECTED needs a reason).
/// COMPLETED and REJECTED are final, except that an administrator may reopen them (back to PROCESSING).
/// </summary>
public static class DocumentStateMachine
{
    public static bool CanMove(DocumentStatus from, DocumentStatus to, bool isAdmin) => (from, to) switch
    {
        (DocumentStatus.Pending, DocumentStatus.Processing) => true,
        (DocumentStatus.Processing, DocumentStatus.Completed) => true,
        (DocumentStatus.Processing, DocumentStatus.Rejected) => true,
        (DocumentStatus.Completed, DocumentStatus.Processing) => isAdmin,
        (DocumentStatus.Rejected, DocumentStatus.Processing) => isAdmin,
        _ => false,
    };

    public static string Describe(DocumentStatus from, DocumentStatus to, bool isAdmin) =>
        CanMove(from, to, isAdmin)
            ? $"{Name(from)} → {Name(to)} is allowed."
            : (from, to) switch
            {
                (DocumentStatus.Completed or DocumentStatus.Rejected, DocumentStatus.Processing) => $"A {Name(from)} document is final; only an administrator can reopen it.",
                _ when from == to => $"The document is already {Name(to)}.",
                _ => $"A {Name(from)} document cannot become {Name(to)}.",
            };

    public static string Name(DocumentStatus status) => Common.SeedEnumNames<DocumentStatus>.ToName(status);
}
