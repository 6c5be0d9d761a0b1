using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace TaxGenius.Core.Common;

/// <summary>A position in a list ordered by (time, id): a row's own key. Pages start strictly after or end strictly before it.</summary>
public readonly record struct PageCursor(DateTime At, Guid Id)
{
    /// <summary>An opaque, URL-safe form for APIs (<c>next</c> links) and query strings.</summary>
    public string ToToken() => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(
        $"{At.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}_{Id:N}"));

    /// <summary>Reads what <see cref="ToToken"/> wrote; false for anything else.</summary>
    public static bool TryParse(string? token, out PageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token)).Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is >= 0 and <= 3155378975999999999 && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new PageCursor(new DateTime(ticks, DateTimeKind.Utc), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}

/// <summary>One page of a keyset-paged list, with the cursors that lead to its neighbours.</summary>
public sealed record Page<T>(IReadOnlyList<T> Rows, bool HasPrevious, bool HasNext, PageCursor? First, PageCursor? Last)
{
    public static readonly Page<T> Empty = new([], false, false, null, null);
}

/// <summary>Which page: the first (no cursor), the rows after a cursor (next), or the rows before one (previous).</summary>
public sealed record PageRequest(PageCursor? After = null, PageCursor? Before = null, int Size = PageRequest.DefaultSize)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 200;

    public static PageRequest First(int size = DefaultSize) => new(Size: size);
}

public enum PageOrder
{
    /// <summary>Oldest first (a work queue).</summary>
    Ascending,

    /// <summary>Newest first (a log, a directory).</summary>
    Descending,
}

/// <summary>
/// Keyset pagination over (time, id), written once: every list of the app pages with it, never with OFFSET, so page 20,000 costs
/// what page 1 costs (an index range scan on (time, id); see docs/performance.md). Reads <c>size + 1</c> rows to know whether a next
/// page exists; going back reads the rows before the cursor in reverse order and turns them round; when fewer than a page precede
/// the cursor, the first page is returned instead of a short one. Both database providers translate the predicates.
/// </summary>
/// <typeparam name="TEntity">What is paged.</typeparam>
public sealed class Keyset<TEntity>(Expression<Func<TEntity, DateTime>> at, Expression<Func<TEntity, Guid>> id, PageOrder order)
{
    private static readonly System.Reflection.MethodInfo CompareTo = typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!;

    /// <summary>
    /// The page <paramref name="request"/> asks for (at most <paramref name="maxSize"/> rows), projected with <paramref name="project"/>;
    /// <paramref name="cursorOf"/> reads a row's key.
    /// </summary>
    public async Task<Page<TRow>> PageAsync<TRow>(IQueryable<TEntity> query, PageRequest request, Func<IQueryable<TEntity>, IQueryable<TRow>> project,
        Func<TRow, PageCursor> cursorOf, CancellationToken cancellationToken, int maxSize = PageRequest.MaxSize)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.After is not null && request.Before is not null)
        {
            throw new ArgumentException("Pass one cursor: After (next page) or Before (previous page).", nameof(request));
        }

        var size = Math.Clamp(request.Size, 1, maxSize);
        if (request.Before is { } before)
        {
            // Backwards: the rows just before the cursor, nearest first, then turned round into list order.
            var earlier = await project(Order(query.Where(Precedes(before)), reverse: true).Take(size + 1)).ToListAsync(cancellationToken);
            if (earlier.Count <= size)
            {
                // Reached the start: a full first page rather than a short one.
                return await PageAsync(query, request with { Before = null }, project, cursorOf, cancellationToken, maxSize);
            }

            earlier.RemoveAt(size);
            earlier.Reverse();
            return Make(earlier, hasPrevious: true, hasNext: true, cursorOf);
        }

        if (request.After is { } after)
        {
            query = query.Where(Follows(after));
        }

        var rows = await project(Order(query, reverse: false).Take(size + 1)).ToListAsync(cancellationToken);
        var hasNext = rows.Count > size;
        if (hasNext)
        {
            rows.RemoveAt(size);
        }

        return Make(rows, hasPrevious: request.After is not null, hasNext, cursorOf);
    }

    /// <summary>The rows after <paramref name="cursor"/> in list order.</summary>
    public Expression<Func<TEntity, bool>> Follows(PageCursor cursor) => Beyond(cursor, order == PageOrder.Ascending);

    /// <summary>The rows before <paramref name="cursor"/> in list order.</summary>
    public Expression<Func<TEntity, bool>> Precedes(PageCursor cursor) => Beyond(cursor, order != PageOrder.Ascending);

    private IQueryable<TEntity> Order(IQueryable<TEntity> query, bool reverse) =>
        (order == PageOrder.Ascending) != reverse
            ? query.OrderBy(at).ThenBy(id)
            : query.OrderByDescending(at).ThenByDescending(id);

    /// <summary>
    /// <c>at &gt;= c.At AND (at &gt; c.At OR id &gt; c.Id)</c> (or the mirror for &lt;): the first conjunct is redundant, but it is what
    /// lets the database start the index scan at the cursor.
    /// </summary>
    private Expression<Func<TEntity, bool>> Beyond(PageCursor cursor, bool greater)
    {
        var row = Expression.Parameter(typeof(TEntity), "row");
        var atOfRow = Expressions.Substitute(at, row);
        var idOfRow = Expressions.Substitute(id, row);
        // Read through a closure-like object, not as constants: EF Core makes them query parameters, so every cursor shares one cached,
        // compiled query (and one prepared statement) instead of compiling a new one per page.
        var values = Expression.Constant(new CursorValues(cursor.At, cursor.Id));
        var atValue = Expression.Field(values, nameof(CursorValues.At));
        var idCompared = Expression.Call(idOfRow, CompareTo, Expression.Field(values, nameof(CursorValues.Id)));
        var zero = Expression.Constant(0);
        var body = greater
            ? Expression.AndAlso(Expression.GreaterThanOrEqual(atOfRow, atValue),
                Expression.OrElse(Expression.GreaterThan(atOfRow, atValue), Expression.GreaterThan(idCompared, zero)))
            : Expression.AndAlso(Expression.LessThanOrEqual(atOfRow, atValue),
                Expression.OrElse(Expression.LessThan(atOfRow, atValue), Expression.LessThan(idCompared, zero)));
        return Expression.Lambda<Func<TEntity, bool>>(body, row);
    }

    private sealed class CursorValues(DateTime at, Guid id)
    {
        public readonly DateTime At = at;
        public readonly Guid Id = id;
    }

    private static Page<TRow> Make<TRow>(List<TRow> rows, bool hasPrevious, bool hasNext, Func<TRow, PageCursor> cursorOf) =>
        new(rows, hasPrevious, hasNext, rows.Count == 0 ? null : cursorOf(rows[0]), rows.Count == 0 ? null : cursorOf(rows[^1]));
}

/// <summary>Small expression-tree helpers for predicates built once and reused by several queries.</summary>
public static class Expressions
{
    /// <summary>The body of <paramref name="lambda"/> with its parameter replaced by <paramref name="argument"/>.</summary>
    public static Expression Substitute(LambdaExpression lambda, Expression argument) =>
        new Replace(lambda.Parameters[0], argument).Visit(lambda.Body);

    /// <summary><c>x =&gt; predicate(select(x))</c>: a predicate on a related object applied through a navigation.</summary>
    public static Expression<Func<TOuter, bool>> Through<TOuter, TInner>(Expression<Func<TOuter, TInner>> select, Expression<Func<TInner, bool>> predicate)
    {
        var outer = Expression.Parameter(typeof(TOuter), "x");
        return Expression.Lambda<Func<TOuter, bool>>(Substitute(predicate, Substitute(select, outer)), outer);
    }

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>Search text as every list applies it: trimmed, at most <see cref="MaxLength"/> characters, null when blank.</summary>
public static class SearchText
{
    public const int MaxLength = 100;

    public static string? Normalize(string? search)
    {
        var trimmed = search?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > MaxLength ? trimmed[..MaxLength].TrimEnd() : trimmed;
    }
}
