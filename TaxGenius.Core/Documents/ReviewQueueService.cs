using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Core.Documents;

/// <summary>Whose documents the queue shows.</summary>
public enum QueueAssignee
{
    Anyone,
    Me,
    Unassigned,
}

/// <summary>What the preparers' queue shows. The default is the open queue: PENDING and PROCESSING, anyone's.</summary>
public sealed record QueueFilter
{
    public const int MaxSearchLength = SearchText.MaxLength;

    public static readonly IReadOnlySet<DocumentStatus> OpenStatuses = new HashSet<DocumentStatus> { DocumentStatus.Pending, DocumentStatus.Processing };

    /// <summary>The statuses shown; empty means the open ones.</summary>
    public IReadOnlySet<DocumentStatus> Statuses { get; init; } = OpenStatuses;

    public DocumentType? Type { get; init; }

    public int? TaxYear { get; init; }

    public QueueAssignee Assignee { get; init; } = QueueAssignee.Anyone;

    /// <summary>Only documents recognition flagged (<see cref="Recognition.DocumentRecognition.NeedsCheck"/>): another form or year than the client chose, or unsure.</summary>
    public bool NeedsCheck { get; init; }

    /// <summary>Part of the client's e-mail, first or last name; case-insensitive, trimmed, cut to <see cref="MaxSearchLength"/>.</summary>
    public string? Search { get; init; }

    /// <summary>The search as it is applied (<see cref="SearchText.Normalize"/>).</summary>
    public string? NormalizedSearch => SearchText.Normalize(Search);
}

/// <summary>What recognition found on a document it flagged (<see cref="DocumentRecognition.NeedsCheck"/>).</summary>
public sealed record QueueCheck(FormKind? Kind, int? FoundYear, double Confidence, bool Illegible)
{
    /// <summary>The reason, for a document filed as <paramref name="type"/> for <paramref name="year"/>.</summary>
    public string Describe(DocumentType type, int year) =>
        Illegible ? "Blurred or dark: recognition could barely read it"
        : Kind is { } kind && RecognitionSuggestion.Disagrees(type, year, kind, FoundYear)
            ? $"Reads as a {kind.DisplayName()}{(FoundYear is { } found ? $" for {found}" : "")}"
            : $"Recognition is unsure of it ({Percent.Of(Confidence)})";
}

/// <summary>One document as the queue lists it.</summary>
public sealed record QueueRow(
    Guid Id,
    string ClientName,
    string ClientEmail,
    DocumentType Type,
    int TaxYear,
    string FileName,
    long FileSize,
    DocumentStatus Status,
    Guid? AssignedToId,
    string? AssignedToEmail,
    DateTime CreatedAt,
    uint Version,
    QueueCheck? Check = null,
    string? AssignedToName = null)
{
    public PageCursor Cursor => new(CreatedAt, Id);

    /// <summary>Recognition flagged it for a second look (<see cref="Check"/> says why).</summary>
    public bool NeedsCheck => Check is not null;

    /// <summary>Why, in a few words: "Reads as a 1099-INT for 2025", not only that something is off.</summary>
    public string? CheckReason => Check?.Describe(Type, TaxYear);

    /// <summary>Who claimed it, as colleagues know them: their name, or their address when they have no profile.</summary>
    public string? Assignee => AssignedToName ?? AssignedToEmail;
}

/// <summary>
/// The preparers' review queue: documents in upload order, oldest first, filtered, paged with keyset pagination over
/// (CreatedAt, Id). A page never counts or skips rows: it starts at a cursor with an index range scan, so page 20,000 costs
/// what page 1 costs (see docs/performance.md, "Review queue"). Counts per status come from <c>RoleHomeService</c>'s cache.
/// </summary>
public sealed class ReviewQueueService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public const int MaxPageSize = PageRequest.MaxSize;

    /// <summary>Upload order, oldest first, over the index on (CreatedAt, Id) (and its partial twin for the open queue).</summary>
    private static readonly Keyset<Document> Order = new(d => d.CreatedAt, d => d.Id, PageOrder.Ascending);

    /// <summary>
    /// A page of the queue. With neither cursor: the first page. With <paramref name="after"/>: the rows that follow it.
    /// With <paramref name="before"/>: the rows that precede it (when fewer than a page precede it, the first page).
    /// </summary>
    public async Task<Page<QueueRow>> GetPageAsync(Guid me, QueueFilter filter, PageCursor? after = null, PageCursor? before = null, int pageSize = 50,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Order.PageAsync(Filter(db, db.Documents.AsNoTracking(), me, filter), new PageRequest(after, before, pageSize), q => Project(db, q), r => r.Cursor,
            cancellationToken);
    }

    /// <summary>
    /// How many documents the queue shows under <paramref name="filter"/> with "Needs a check" on: its chip's count, through the same
    /// filter as the list, so the two never disagree.
    /// </summary>
    public async Task<int> CountNeedsCheckAsync(Guid me, QueueFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Filter(db, db.Documents.AsNoTracking(), me, filter with { NeedsCheck = true }).CountAsync(cancellationToken);
    }

    private static IQueryable<Document> Filter(TaxGeniusDbContext db, IQueryable<Document> documents, Guid me, QueueFilter filter)
    {
        var statuses = filter.Statuses.Count == 0 ? QueueFilter.OpenStatuses : filter.Statuses;
        if (statuses.Count < Enum.GetValues<DocumentStatus>().Length)
        {
            documents = documents.Where(StatusIn(statuses));
        }

        if (filter.Type is { } type)
        {
            documents = documents.Where(d => d.Type == type);
        }

        if (filter.TaxYear is { } year)
        {
            documents = documents.Where(d => d.TaxYear == year);
        }

        documents = filter.Assignee switch
        {
            QueueAssignee.Me => documents.Where(d => d.AssignedToId == me),
            QueueAssignee.Unassigned => documents.Where(d => d.AssignedToId == null),
            _ => documents,
        };

        if (filter.NeedsCheck)
        {
            documents = documents.Where(d => db.DocumentRecognitions.Any(r => r.DocumentId == d.Id && r.NeedsCheck));
        }

        if (filter.NormalizedSearch is { } search)
        {
            documents = documents.Where(Expressions.Through<Document, ApplicationUser>(d => d.User!, UserSearch.Matches(search)));
        }

        return documents;
    }

    /// <summary>
    /// <c>Status IN ('PENDING', 'PROCESSING')</c> with the values as SQL literals, not parameters: the literal list is what
    /// PostgreSQL matches against the partial index IX_Documents_OpenQueue's predicate (a parameter list does not prove it).
    /// </summary>
    private static Expression<Func<Document, bool>> StatusIn(IEnumerable<DocumentStatus> statuses)
    {
        var d = Expression.Parameter(typeof(Document), "d");
        var status = Expression.Property(d, nameof(Document.Status));
        var body = statuses.Order()
            .Select(s => (Expression)Expression.Equal(status, Expression.Constant(s)))
            .Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<Document, bool>>(body, d);
    }

    private static IQueryable<QueueRow> Project(TaxGeniusDbContext db, IQueryable<Document> documents) => documents.Select(d => new QueueRow(
        d.Id,
        d.User!.Profile != null ? d.User.Profile.FirstName + " " + d.User.Profile.LastName : d.User.Email ?? "",
        d.User.Email ?? "",
        d.Type,
        d.TaxYear,
        d.FileName,
        d.FileSize,
        d.Status,
        d.AssignedToId,
        d.AssignedTo != null ? d.AssignedTo.Email : null,
        d.CreatedAt,
        d.Version,
        db.DocumentRecognitions.Where(r => r.DocumentId == d.Id && r.NeedsCheck)
            .Select(r => new QueueCheck(r.Kind, r.TaxYear, r.Confidence, r.Illegible)).FirstOrDefault(),
        d.AssignedTo != null && d.AssignedTo.Profile != null ? d.AssignedTo.Profile.FirstName + " " + d.AssignedTo.Profile.LastName : null));
}
