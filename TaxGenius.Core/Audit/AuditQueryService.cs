using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Audit;

/// <summary>What the audit page shows. Dates are UTC calendar days, both ends included.</summary>
public sealed record AuditFilter
{
    /// <summary>The actor's e-mail, exact (case-insensitive). Resolved to the account's id when the account still exists.</summary>
    public string? ActorEmail { get; init; }

    /// <summary>The subject's id (a document, a user, an invitation).</summary>
    public Guid? SubjectId { get; init; }

    /// <summary>One of <see cref="AuditActions.All"/>.</summary>
    public string? Action { get; init; }

    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
}

/// <summary>A position in the audit log: the (time, id) of an entry.</summary>
public sealed record AuditCursor(DateTime At, Guid Id);

/// <summary>A page of the audit log, newest first.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Rows, bool HasPrevious, bool HasNext)
{
    public AuditCursor? First => Rows.Count == 0 ? null : new(Rows[0].At, Rows[0].Id);

    public AuditCursor? Last => Rows.Count == 0 ? null : new(Rows[^1].At, Rows[^1].Id);
}

/// <summary>
/// Reads the audit log: newest first, keyset pages over (At, Id) (the table's indexes: (At, Id), (ActorId, At), (SubjectId, At),
/// (Action, At)), never OFFSET. Read-only: nothing here, or anywhere else, updates or deletes an entry.
/// </summary>
public sealed class AuditQueryService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<AuditPage> GetPageAsync(AuditFilter filter, AuditCursor? after = null, AuditCursor? before = null, int pageSize = 50,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (after is not null && before is not null)
        {
            throw new ArgumentException("Pass one cursor: after (next page) or before (previous page).", nameof(before));
        }

        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, cancellationToken);
        if (before is { } b)
        {
            var newer = await query.Where(e => e.At >= b.At && (e.At > b.At || e.Id.CompareTo(b.Id) > 0))
                .OrderBy(e => e.At).ThenBy(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
            if (newer.Count <= pageSize)
            {
                return await GetPageAsync(filter, null, null, pageSize, cancellationToken);
            }

            newer.RemoveAt(pageSize);
            newer.Reverse();
            return new AuditPage(newer, HasPrevious: true, HasNext: true);
        }

        if (after is { } a)
        {
            query = After(query, a);
        }

        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var hasNext = rows.Count > pageSize;
        if (hasNext)
        {
            rows.RemoveAt(pageSize);
        }

        return new AuditPage(rows, HasPrevious: after is not null, hasNext);
    }

    /// <summary>Every entry the filter matches, newest first, read in keyset batches (the export streams it).</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAllAsync(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int batch = 1000;
        AuditCursor? cursor = null;
        while (true)
        {
            List<AuditEntry> rows;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var query = await FilterAsync(db, filter, cancellationToken);
                if (cursor is not null)
                {
                    query = After(query, cursor);
                }

                rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(batch).ToListAsync(cancellationToken);
            }

            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < batch)
            {
                yield break;
            }

            cursor = new AuditCursor(rows[^1].At, rows[^1].Id);
        }
    }

    private static IQueryable<AuditEntry> After(IQueryable<AuditEntry> query, AuditCursor a) =>
        query.Where(e => e.At <= a.At && (e.At < a.At || e.Id.CompareTo(a.Id) < 0));

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
            entries = entries.Where(e => e.SubjectId == subject);
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
