using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

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
    public const int MaxSearchLength = 100;

    public static readonly IReadOnlySet<DocumentStatus> OpenStatuses = new HashSet<DocumentStatus> { DocumentStatus.Pending, DocumentStatus.Processing };

    /// <summary>The statuses shown; empty means the open ones.</summary>
    public IReadOnlySet<DocumentStatus> Statuses { get; init; } = OpenStatuses;

    public DocumentType? Type { get; init; }

    public int? TaxYear { get; init; }

    public QueueAssignee Assignee { get; init; } = QueueAssignee.Anyone;

    /// <summary>Part of the client's e-mail, first or last name; case-insensitive, trimmed, cut to <see cref="MaxSearchLength"/>.</summary>
    public string? Search { get; init; }

    /// <summary>The search as it is applied: trimmed, at most <see cref="MaxSearchLength"/> characters, null when blank.</summary>
    public string? NormalizedSearch
    {
        get
        {
            var search = Search?.Trim();
            return string.IsNullOrEmpty(search) ? null : search.Length > MaxSearchLength ? search[..MaxSearchLength].TrimEnd() : search;
        }
    }
}

/// <summary>A position in the queue: the (upload time, id) of a row. Pages start strictly after or end strictly before it.</summary>
public sealed record QueueCursor(DateTime CreatedAt, Guid Id);

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
    uint Version)
{
    public QueueCursor Cursor => new(CreatedAt, Id);
}

/// <summary>A page of the queue, oldest first, with the cursors that lead to its neighbours.</summary>
public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, bool HasPrevious, bool HasNext)
{
    /// <summary>Pass as <c>before</c> to get the previous page; null on an empty page.</summary>
    public QueueCursor? First => Rows.Count == 0 ? null : Rows[0].Cursor;

    /// <summary>Pass as <c>after</c> to get the next page; null on an empty page.</summary>
    public QueueCursor? Last => Rows.Count == 0 ? null : Rows[^1].Cursor;
}

/// <summary>
/// The preparers' review queue: documents in upload order, oldest first, filtered, paged with keyset pagination over
/// (CreatedAt, Id). A page never counts or skips rows: it starts at a cursor with an index range scan, so page 20,000 costs
/// what page 1 costs (see docs/performance.md, "Review queue"). Counts per status come from <c>RoleHomeService</c>'s cache.
/// </summary>
public sealed class ReviewQueueService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// A page of the queue. With neither cursor: the first page. With <paramref name="after"/>: the rows that follow it.
    /// With <paramref name="before"/>: the rows that precede it (when fewer than a page precede it, the first page).
    /// </summary>
    public async Task<QueuePage> GetPageAsync(Guid me, QueueFilter filter, QueueCursor? after = null, QueueCursor? before = null, int pageSize = 50,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (after is not null && before is not null)
        {
            throw new ArgumentException("Pass one cursor: after (next page) or before (previous page).", nameof(before));
        }

        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filter(db.Documents.AsNoTracking(), me, filter);

        if (before is { } b)
        {
            // Backwards: the rows just before the cursor, nearest first, then put back in upload order.
            var earlier = await Project(query
                    // CreatedAt <= c is redundant with the OR below, but it is what lets the database start the index scan at c.
                    .Where(d => d.CreatedAt <= b.CreatedAt && (d.CreatedAt < b.CreatedAt || d.Id.CompareTo(b.Id) < 0))
                    .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
                    .Take(pageSize + 1))
                .ToListAsync(cancellationToken);
            if (earlier.Count <= pageSize)
            {
                // Reached the start: show a full first page rather than a short one.
                return await GetPageAsync(me, filter, null, null, pageSize, cancellationToken);
            }

            earlier.RemoveAt(pageSize);
            earlier.Reverse();
            return new QueuePage(earlier, HasPrevious: true, HasNext: true);
        }

        if (after is { } a)
        {
            query = query.Where(d => d.CreatedAt >= a.CreatedAt && (d.CreatedAt > a.CreatedAt || d.Id.CompareTo(a.Id) > 0));
        }

        var rows = await Project(query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Take(pageSize + 1)).ToListAsync(cancellationToken);
        var hasNext = rows.Count > pageSize;
        if (hasNext)
        {
            rows.RemoveAt(pageSize);
        }

        return new QueuePage(rows, HasPrevious: after is not null, hasNext);
    }

    private static IQueryable<Document> Filter(IQueryable<Document> documents, Guid me, QueueFilter filter)
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

        if (filter.NormalizedSearch is { } search)
        {
            // Identity keeps the e-mail upper-cased in NormalizedEmail; names are upper-cased here. Both providers: UPPER + LIKE/instr.
            var term = search.ToUpperInvariant();
            documents = documents.Where(d => d.User!.NormalizedEmail!.Contains(term)
                || (d.User.Profile != null && (d.User.Profile.FirstName + " " + d.User.Profile.LastName).ToUpper().Contains(term)));
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

    private static IQueryable<QueueRow> Project(IQueryable<Document> documents) => documents.Select(d => new QueueRow(
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
        d.Version));
}
