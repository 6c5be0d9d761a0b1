using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Audit;

/// <summary>What the audit page shows. Dates are UTC calendar days, both ends included.</summary>
public sealed record AuditFilter
{
    /// <summary>The actor's e-mail, exact (case-insensitive). Resolved to the account's id when the account still exists.</summary>
    public string? ActorEmail { get; init; }

    /// <summary>
    /// The subject's id (a document, a user, an invitation), or a client's id: then also every entry that concerns that client (their
    /// documents viewed, their conversation read), through <see cref="AuditEntry.SubjectUserId"/>.
    /// </summary>
    public Guid? SubjectId { get; init; }

    /// <summary>One of <see cref="AuditActions.All"/>.</summary>
    public string? Action { get; init; }

    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }

    /// <summary>Said of a window of days whose last day comes before its first (here and in the access report).</summary>
    public const string EndsBeforeItStarts = "The window ends before it starts: choose a 'to' day on or after the 'from' day.";

    /// <summary>Why no entry could ever match (the window ends before it starts), or null.</summary>
    public string? Refusal => To < From ? EndsBeforeItStarts : null;
}

/// <summary>
/// Reads the audit log: newest first, keyset pages over (At, Id) (the table's indexes: (At, Id), (ActorId, At), (SubjectId, At), (SubjectUserId, At),
/// (Action, At)), never OFFSET. Read-only: nothing here, or anywhere else, updates or deletes an entry.
/// </summary>
public sealed class AuditQueryService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public const int MaxPageSize = PageRequest.MaxSize;

    private const int ExportBatch = 1000;

    /// <summary>Newest first over (At, Id).</summary>
    private static readonly Keyset<AuditEntry> Order = new(e => e.At, e => e.Id, PageOrder.Descending);

    public async Task<Page<AuditEntry>> GetPageAsync(AuditFilter filter, PageCursor? after = null, PageCursor? before = null, int pageSize = 50,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Order.PageAsync(await FilterAsync(db, filter, cancellationToken), new PageRequest(after, before, pageSize), q => q, CursorOf,
            cancellationToken);
    }

    /// <summary>Every entry the filter matches, newest first, read a page at a time (the export streams it; no connection is held between pages).</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAllAsync(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        PageCursor? cursor = null;
        while (true)
        {
            Page<AuditEntry> page;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                page = await Order.PageAsync(await FilterAsync(db, filter, cancellationToken), new PageRequest(cursor, Size: ExportBatch), q => q, CursorOf,
                    cancellationToken, maxSize: ExportBatch);
            }

            foreach (var row in page.Rows)
            {
                yield return row;
            }

            if (!page.HasNext)
            {
                yield break;
            }

            cursor = page.Last;
        }
    }

    private static PageCursor CursorOf(AuditEntry entry) => new(entry.At, entry.Id);

    private static async Task<IQueryable<AuditEntry>> FilterAsync(TaxGeniusDbContext db, AuditFilter filter, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (filter.ActorEmail?.Trim() is { Length: > 0 } email)
        {
            var normalized = email.ToUpperInvariant();
            var actorId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
            // The account's id when it exists (indexed); the recorded e-mail for a deleted account.
            entries = actorId is { } id ? entries.Where(e => e.ActorId == id) : entries.Where(e => e.ActorEmail!.ToUpper() == normalized);
        }

        if (filter.SubjectId is { } subject)
        {
            // Both columns are indexed with At ((SubjectId, At), (SubjectUserId, At)); a document's id never equals a user's.
            entries = entries.Where(e => e.SubjectId == subject || e.SubjectUserId == subject);
        }

        if (filter.Action is { Length: > 0 } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At >= start);
        }

        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At < end);
        }

        return entries;
    }
}
