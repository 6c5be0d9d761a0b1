using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Messaging;

/// <summary>The staff inbox's filters: only the clients whose return I prepare, only conversations waiting for the firm, a search.</summary>
public sealed record InboxFilter(bool MineOnly = false, bool UnreadOnly = false, string? Search = null);

public sealed record InboxRow(Guid ClientId, string ClientName, string? ClientEmail, DateTime LastMessageAt, bool Unread, bool LastFromStaff,
    MessageKind LastKind);

/// <summary>One page of the inbox and the token of the next (null at the end).</summary>
public sealed record InboxPage(IReadOnlyList<InboxRow> Rows, string? Next);

/// <summary>
/// The staff inbox: every client conversation, those waiting for the firm first, then the most recent, paged by keyset on
/// (waiting, last message, id) so page 100 costs what page 1 does.
/// </summary>
public sealed class InboxService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public const int PageSize = 25;

    public async Task<InboxPage> ListAsync(Guid staffId, InboxFilter filter, string? after = null, int size = PageSize,
        CancellationToken cancellationToken = default)
    {
        size = Math.Clamp(size, 1, 100);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Conversations.AsNoTracking();
        if (filter.MineOnly)
        {
            query = query.Where(c => db.Engagements.Any(e => e.ClientId == c.ClientId && e.PreparerId == staffId));
        }

        if (filter.UnreadOnly)
        {
            query = query.Where(c => c.StaffUnread);
        }

        if (SearchText.Normalize(filter.Search) is { } search)
        {
            var matching = db.Users.Where(UserSearch.Matches(search)).Select(u => u.Id);
            query = query.Where(c => matching.Contains(c.ClientId));
        }

        // Two keyset segments, each an index range on (waiting, last message, id): the conversations waiting for the firm, then the rest.
        Cursor? cursor = Cursor.TryParse(after, out var parsed) ? parsed : null;
        var rows = new List<Raw>();
        if (cursor is null || cursor.Value.Unread)
        {
            rows.AddRange(await SegmentAsync(db, query, unread: true, cursor?.Position, size + 1, cancellationToken));
        }

        if (rows.Count <= size && !filter.UnreadOnly)
        {
            var from = cursor is { Unread: false } c ? c.Position : (PageCursor?)null;
            rows.AddRange(await SegmentAsync(db, query, unread: false, from, size + 1 - rows.Count, cancellationToken));
        }

        var page = rows.Take(size).ToList();
        var next = rows.Count > size ? new Cursor(page[^1].StaffUnread, new PageCursor(page[^1].LastMessageAt, page[^1].Id)).ToToken() : null;
        return new InboxPage(page.Select(r => new InboxRow(r.ClientId, MessageService.DisplayName(r.Name, r.Email), r.Email, r.LastMessageAt,
            r.StaffUnread, r.LastFromStaff ?? false, r.LastKind ?? MessageKind.Message)).ToList(), next);
    }

    private static readonly Keyset<Conversation> ByLastMessage = new(c => c.LastMessageAt, c => c.Id, PageOrder.Descending);

    private static Task<List<Raw>> SegmentAsync(TaxGeniusDbContext db, IQueryable<Conversation> query, bool unread, PageCursor? after, int take,
        CancellationToken cancellationToken)
    {
        var segment = query.Where(c => c.StaffUnread == unread);
        if (after is { } position)
        {
            segment = segment.Where(ByLastMessage.Follows(position));
        }

        return segment.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id).Take(take)
            .Select(c => new Raw(
                c.Id,
                c.ClientId,
                c.Client!.Email,
                c.Client.Profile != null ? c.Client.Profile.FirstName + " " + c.Client.Profile.LastName : null,
                c.LastMessageAt,
                c.StaffUnread,
                db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id)
                    .Select(m => (bool?)m.FromStaff).FirstOrDefault(),
                db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id)
                    .Select(m => (MessageKind?)m.Kind).FirstOrDefault()))
            .ToListAsync(cancellationToken);
    }

    private sealed record Raw(Guid Id, Guid ClientId, string? Email, string? Name, DateTime LastMessageAt, bool StaffUnread, bool? LastFromStaff,
        MessageKind? LastKind);

    /// <summary>Clients a staff member may start a conversation with (no conversation yet is fine), by name or e-mail.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> FindClientsAsync(string? search, CancellationToken cancellationToken = default)
    {
        if (SearchText.Normalize(search) is not { } term)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Users.AsNoTracking().Where(UserSearch.Matches(term))
            .Where(UsersInRole.Any(db, Roles.Client))
            .OrderBy(u => u.Email).Take(10)
            .Select(u => new { u.Id, u.Email, Name = u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : null })
            .ToListAsync(cancellationToken);
        return rows.Select(r => (r.Id, MessageService.DisplayName(r.Name, r.Email))).ToList();
    }

    /// <summary>The inbox position (waiting flag, then time and id within its segment) as an opaque token.</summary>
    private readonly record struct Cursor(bool Unread, PageCursor Position)
    {
        public string ToToken() => (Unread ? "u" : "r") + Position.ToToken();

        public static bool TryParse(string? token, out Cursor cursor)
        {
            cursor = default;
            if (token is not { Length: > 1 } || token[0] is not ('u' or 'r') || !PageCursor.TryParse(token[1..], out var position))
            {
                return false;
            }

            cursor = new Cursor(token[0] == 'u', position);
            return true;
        }
    }
}
