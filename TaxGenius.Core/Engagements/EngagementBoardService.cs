using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Engagements;

public enum BoardAssignee
{
    Anyone,
    Mine,
    Unassigned,
}

/// <summary>What the board shows: one tax year, optionally only mine or unassigned, only overdue, or matching a search.</summary>
public sealed record BoardFilter
{
    public const int MaxSearchLength = SearchText.MaxLength;

    public required int TaxYear { get; init; }

    public BoardAssignee Assignee { get; init; } = BoardAssignee.Anyone;

    public bool OverdueOnly { get; init; }

    public string? Search { get; init; }

    /// <summary>The list view only: one stage (null for all).</summary>
    public EngagementStage? Stage { get; init; }
}

/// <summary>One card: the client, the year, who prepares it, when it is due, how long it has been in its column.</summary>
public sealed record BoardCard(
    Guid Id, Guid ClientId, string ClientName, string ClientEmail, int TaxYear, EngagementStage Stage, string? HoldReason,
    Guid? PreparerId, string? PreparerEmail, DateOnly DueDate, EngagementPriority Priority, DateTime StageChangedAt, DateTime UpdatedAt,
    uint Version, int Missing = 0, string? PreparerName = null)
{
    /// <summary>Who prepares it, as colleagues know them: their name, or their address when they have no profile.</summary>
    public string? Preparer => PreparerName ?? PreparerEmail;

    public bool IsOverdue(DateOnly today) => DueDate < today && Stage is not (EngagementStage.Filed or EngagementStage.Done);
}

/// <summary>The board: every column's count, and its first cards (most urgent first: due date, then longest in the column).</summary>
public sealed record EngagementBoard(IReadOnlyDictionary<EngagementStage, int> Counts, IReadOnlyList<BoardCard> Cards, int PerColumn)
{
    public IEnumerable<BoardCard> In(EngagementStage stage) => Cards.Where(c => c.Stage == stage);

    public int Hidden(EngagementStage stage) => Counts.GetValueOrDefault(stage) - In(stage).Count();
}

/// <summary>
/// Reads the pipeline board. One query counts every column, one per column reads its first <see cref="EngagementBoard.PerColumn"/>
/// cards (an index range on year and stage); nothing loads the whole year.
/// </summary>
public sealed class EngagementBoardService(IDbContextFactory<TaxGeniusDbContext> dbFactory, TimeProvider timeProvider)
{
    public const int DefaultPerColumn = 50;

    public DateOnly Today => DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);

    public async Task<EngagementBoard> GetAsync(Guid me, BoardFilter filter, int perColumn = DefaultPerColumn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilteredAsync(db, me, filter, cancellationToken);
        var counts = await query.GroupBy(e => e.Stage).Select(g => new { Stage = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

        // Every column's first cards in one statement (UNION ALL of one capped, indexed query per non-empty column): one round trip
        // and one plan instead of ten.
        IQueryable<Engagement>? columns = null;
        foreach (var stage in EngagementStages.Board.Where(s => counts.Any(c => c.Stage == s)))
        {
            var column = query.Where(e => e.Stage == stage)
                .OrderBy(e => e.DueOn).ThenBy(e => e.StageChangedAt).ThenBy(e => e.Id)
                .Take(perColumn);
            columns = columns is null ? column : columns.Concat(column);
        }

        var cards = columns is null ? [] : await Cards(db, columns).ToListAsync(cancellationToken);
        var order = EngagementStages.Board.Select((stage, index) => (stage, index)).ToDictionary(x => x.stage, x => x.index);
        cards = [.. cards.OrderBy(c => order[c.Stage]).ThenBy(c => c.DueDate).ThenBy(c => c.StageChangedAt).ThenBy(c => c.Id)];
        return new EngagementBoard(counts.ToDictionary(c => c.Stage, c => c.Count), cards, perColumn);
    }

    private static readonly Keyset<Engagement> ListOrder = new(e => e.StageChangedAt, e => e.Id, PageOrder.Ascending);

    /// <summary>
    /// The board as a list, every stage or one, longest in its stage first, paged by keyset on (stage changed, id): page 200 of a
    /// large firm costs what page 1 costs.
    /// </summary>
    public async Task<Page<BoardCard>> ListAsync(Guid me, BoardFilter filter, PageRequest request, CancellationToken cancellationToken = default,
        int maxSize = PageRequest.MaxSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilteredAsync(db, me, filter, cancellationToken);
        if (filter.Stage is { } stage)
        {
            query = query.Where(e => e.Stage == stage);
        }

        return await ListOrder.PageAsync(query, request, rows => Cards(db, rows), c => new PageCursor(c.StageChangedAt, c.Id), cancellationToken, maxSize);
    }

    private static IQueryable<BoardCard> Cards(TaxGeniusDbContext db, IQueryable<Engagement> engagements) =>
        engagements.Select(e => new BoardCard(e.Id, e.ClientId,
            e.Client!.Profile != null ? e.Client.Profile.FirstName + " " + e.Client.Profile.LastName : e.Client.Email!,
            e.Client.Email!, e.TaxYear, e.Stage, e.HoldReason, e.PreparerId, e.Preparer != null ? e.Preparer.Email : null,
            e.DueOn, e.Priority, e.StageChangedAt, e.UpdatedAt, e.Version,
            db.RequestItems.Count(i => i.EngagementId == e.Id && i.Required && i.Status == RequestItemStatus.Open),
            e.Preparer != null && e.Preparer.Profile != null ? e.Preparer.Profile.FirstName + " " + e.Preparer.Profile.LastName : null));

    /// <summary>The years that have engagements, newest first (the board's year picker).</summary>
    public async Task<IReadOnlyList<int>> YearsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Engagements.Select(e => e.TaxYear).Distinct().OrderByDescending(y => y).ToListAsync(cancellationToken);
    }

    /// <summary>A search matching more clients than this is applied as a subquery rather than as a list of ids.</summary>
    private const int MaxSearchIds = 1000;

    private async Task<IQueryable<Engagement>> FilteredAsync(TaxGeniusDbContext db, Guid me, BoardFilter filter, CancellationToken cancellationToken)
    {
        var query = db.Engagements.AsNoTracking().Where(e => e.TaxYear == filter.TaxYear);
        query = filter.Assignee switch
        {
            BoardAssignee.Mine => query.Where(e => e.PreparerId == me || e.ReviewerId == me),
            BoardAssignee.Unassigned => query.Where(e => e.PreparerId == null),
            _ => query,
        };
        if (filter.OverdueOnly)
        {
            var today = Today;
            query = query.Where(e => e.DueOn < today && e.Stage != EngagementStage.Filed && e.Stage != EngagementStage.Done);
        }

        if (SearchText.Normalize(filter.Search) is { } search)
        {
            // The text search scans the clients once (a contains-match cannot use an index); the board's eleven queries then reuse
            // the matching ids instead of repeating the scan in each.
            var ids = await db.Users.AsNoTracking().Where(UserSearch.Matches(search)).Select(u => u.Id).OrderBy(id => id)
                .Take(MaxSearchIds + 1).ToListAsync(cancellationToken);
            query = ids.Count <= MaxSearchIds
                ? query.Where(e => ids.Contains(e.ClientId))
                : query.Where(Expressions.Through<Engagement, ApplicationUser>(e => e.Client!, UserSearch.Matches(search)));
        }

        return query;
    }
}
