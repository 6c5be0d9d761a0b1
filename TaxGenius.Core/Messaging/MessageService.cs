using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Live;

namespace TaxGenius.Core.Messaging;

/// <summary>Who reads or writes: the signed-in user, and whether they act as the firm's staff (decided by the page's policy).</summary>
public sealed record MessageViewer(AuditActor Actor, bool IsStaff)
{
    public Guid UserId => Actor.UserId;
}

/// <summary>What a message is about, when it is about something. Each must belong to the conversation's client.</summary>
public sealed record MessageRefs(Guid? EngagementId = null, Guid? DocumentId = null, Guid? RequestItemId = null)
{
    public static readonly MessageRefs None = new();
}

public sealed record MessageResult(bool Succeeded, string? Error, Guid? MessageId = null)
{
    public static MessageResult Fail(string error) => new(false, error);
}

/// <summary>One message as its reader sees it: the text is masked for staff when it holds an SSN, and gone once removed.</summary>
public sealed record MessageView(
    Guid Id, bool FromStaff, bool Mine, string SenderName, MessageKind Kind, string? Text, bool Masked, bool Removed,
    DateTime SentAt, DateTime? EditedAt, DateTime? ReadAt, Guid? EngagementId, Guid? DocumentId, string? DocumentName, Guid? RequestItemId,
    string? RequestItemName)
{
    /// <summary>Only the sender, only until the other side read it, never once removed.</summary>
    public bool CanEdit => Mine && !Removed && ReadAt is null;

    public bool CanRemove => Mine && !Removed;
}

/// <summary>Something a message can be about (or carry): a document of the client's, a requested item.</summary>
public sealed record MessageReference(Guid Id, string Label, bool IsDocument);

public sealed record MessageThread(Guid ClientId, string ClientName, IReadOnlyList<MessageView> Messages, bool HasOlder);

/// <summary>Live event payloads: ids only, never text.</summary>
public sealed record MessagePosted(Guid ClientId, Guid MessageId, bool FromStaff, MessageKind Kind);

public sealed record MessagesRead(Guid ClientId, bool ByStaff, DateTime At);

public sealed record MessageChanged(Guid ClientId, Guid MessageId);

public sealed record Typing(Guid ClientId, bool Staff, string Name);

public static class MessageEvents
{
    public const string Posted = "message";
    public const string Read = "message-read";
    public const string Changed = "message-changed";
    public const string Typing = "typing";
}

/// <summary>
/// Secure messaging between a client and the firm: one conversation per client, bodies encrypted at rest, internal notes that only
/// staff see, read receipts, edits until read, removal with a marker and an audit row. Every change is saved first and then announced
/// over the live hub (ids only), so nothing is lost when the hub or Redis is away.
/// </summary>
public sealed class MessageService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    MessageProtector protector,
    AuditLog audit,
    LiveChannel live,
    TimeProvider timeProvider,
    Engagements.DocumentRequestService requests)
{
    public const string Empty = "Write a message first.";
    public static readonly string TooLong = $"A message can be at most {Message.MaxLength:N0} characters.";
    public const string NotFound = "That conversation or message does not exist.";
    public const string Removed = "Message removed";

    public async Task<MessageResult> SendAsync(MessageViewer viewer, Guid clientId, string? text, MessageKind kind = MessageKind.Message,
        MessageRefs? refs = null, CancellationToken cancellationToken = default)
    {
        var body = text?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return MessageResult.Fail(Empty);
        }

        if (body.Length > Message.MaxLength)
        {
            return MessageResult.Fail(TooLong);
        }

        if (!viewer.IsStaff && (clientId != viewer.UserId || kind != MessageKind.Message))
        {
            return MessageResult.Fail(NotFound);
        }

        refs ??= MessageRefs.None;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await IsClientAsync(db, clientId, cancellationToken))
        {
            return MessageResult.Fail(NotFound);
        }

        if (await RefsErrorAsync(db, clientId, refs, cancellationToken) is { } refError)
        {
            return MessageResult.Fail(refError);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (conversation is null)
        {
            conversation = new Conversation { Id = Guid.CreateVersion7(), ClientId = clientId, LastMessageAt = now };
            db.Conversations.Add(conversation);
        }

        var message = new Message
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            SenderId = viewer.UserId,
            FromStaff = viewer.IsStaff,
            Kind = kind,
            HasSsn = SsnText.Contains(body),
            EngagementId = refs.EngagementId,
            DocumentId = refs.DocumentId,
            RequestItemId = refs.RequestItemId,
            SentAt = now,
        };
        message.Body = protector.Protect(conversation.Id, message.Id, body);
        db.Messages.Add(message);
        conversation.LastMessageAt = now;
        if (kind == MessageKind.Message)
        {
            if (viewer.IsStaff)
            {
                conversation.ClientUnread++;
                conversation.LastStaffMessageAt = now;
            }
            else
            {
                conversation.StaffUnread = true;
                conversation.LastClientMessageAt = now;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Entry(conversation).State == EntityState.Added)
        {
            // Two first messages at once: the other created the conversation. Send again into it.
            return await SendAsync(viewer, clientId, body, kind, refs, cancellationToken);
        }

        var posted = new MessagePosted(clientId, message.Id, viewer.IsStaff, kind);
        await live.SendToStaffAsync(MessageEvents.Posted, posted, cancellationToken);
        if (kind == MessageKind.Message)
        {
            await live.SendToUserAsync(clientId, MessageEvents.Posted, posted, cancellationToken);
        }

        return new MessageResult(true, null, message.Id);
    }

    /// <summary>
    /// The newest <paramref name="size"/> messages before <paramref name="before"/> (oldest first), as <paramref name="viewer"/> may see
    /// them: a client only in their own conversation and never an internal note. Staff opening a conversation is audited
    /// (<paramref name="recordView"/>: false when an open page only refreshes what it already shows).
    /// </summary>
    public async Task<MessageThread?> ThreadAsync(MessageViewer viewer, Guid clientId, DateTime? before = null, int size = 50,
        bool recordView = true, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff && clientId != viewer.UserId)
        {
            return null;
        }

        size = Math.Clamp(size, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.Users.AsNoTracking().Where(u => u.Id == clientId)
            .Select(u => new { u.Email, Name = u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : null })
            .SingleOrDefaultAsync(cancellationToken);
        if (client is null || !await IsClientAsync(db, clientId, cancellationToken))
        {
            return null;
        }

        var query = db.Messages.AsNoTracking().Where(m => m.Conversation!.ClientId == clientId);
        if (!viewer.IsStaff)
        {
            query = query.Where(m => m.Kind == MessageKind.Message);
        }

        if (before is { } cutoff)
        {
            query = query.Where(m => m.SentAt < cutoff);
        }

        var rows = await query.OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(size + 1)
            .Select(m => new
            {
                Message = m,
                SenderEmail = m.Sender!.Email,
                SenderName = m.Sender.Profile != null ? m.Sender.Profile.FirstName + " " + m.Sender.Profile.LastName : null,
                DocumentName = m.DocumentId == null ? null : db.Documents.Where(d => d.Id == m.DocumentId).Select(d => d.FileName).FirstOrDefault(),
                ItemName = m.RequestItemId == null ? null : db.RequestItems.Where(i => i.Id == m.RequestItemId).Select(i => i.Description).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var views = rows.Take(size).Reverse().Select(r => View(viewer, r.Message, DisplayName(r.SenderName, r.SenderEmail), r.DocumentName, r.ItemName)).ToList();

        if (viewer.IsStaff && before is null && recordView)
        {
            await audit.WriteAsync(viewer.Actor, AuditActions.ConversationViewed, "Conversation", null, clientId, cancellationToken: cancellationToken);
        }

        return new MessageThread(clientId, DisplayName(client.Name, client.Email), views, rows.Count > size);
    }

    /// <summary>The reader has seen the conversation: the other side's messages get their read receipt and the badge clears.</summary>
    public async Task MarkReadAsync(MessageViewer viewer, Guid clientId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff && clientId != viewer.UserId)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var fromOtherSide = !viewer.IsStaff;
        var marked = await db.Messages
            .Where(m => m.Conversation!.ClientId == clientId && m.FromStaff == fromOtherSide && m.Kind == MessageKind.Message && m.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, now), cancellationToken);
        var cleared = viewer.IsStaff
            ? await db.Conversations.Where(c => c.ClientId == clientId && c.StaffUnread)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.StaffUnread, false).SetProperty(c => c.UpdatedAt, now), cancellationToken)
            : await db.Conversations.Where(c => c.ClientId == clientId && c.ClientUnread > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClientUnread, 0).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (marked == 0 && cleared == 0)
        {
            return;
        }

        var read = new MessagesRead(clientId, viewer.IsStaff, now);
        // The writer sees "Read"; the reader's other tabs and (for staff) the other staff clear their badges.
        await live.SendToUserAsync(clientId, MessageEvents.Read, read, cancellationToken);
        await live.SendToStaffAsync(MessageEvents.Read, read, cancellationToken);
    }

    public async Task<MessageResult> EditAsync(MessageViewer viewer, Guid messageId, string? text, CancellationToken cancellationToken = default)
    {
        var body = text?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return MessageResult.Fail(Empty);
        }

        if (body.Length > Message.MaxLength)
        {
            return MessageResult.Fail(TooLong);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await db.Messages.AsNoTracking().Include(m => m.Conversation).SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is null || message.SenderId != viewer.UserId || message.IsRemoved)
        {
            return MessageResult.Fail(NotFound);
        }

        if (message.ReadAt is not null)
        {
            return MessageResult.Fail("This message was read already, so it can no longer be changed. Send a new one instead.");
        }

        var envelope = protector.Protect(message.ConversationId, message.Id, body);
        var hasSsn = SsnText.Contains(body);
        var editedAt = timeProvider.GetUtcNow().UtcDateTime;
        // Read in the meantime (the other side opened it a moment ago): the edit is refused, as the rule says.
        var saved = await db.Messages.Where(m => m.Id == messageId && m.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, envelope).SetProperty(m => m.HasSsn, hasSsn)
                .SetProperty(m => m.EditedAt, editedAt), cancellationToken);
        if (saved == 0)
        {
            return MessageResult.Fail("This message was read a moment ago, so it can no longer be changed. Send a new one instead.");
        }

        await AnnounceChangeAsync(message, cancellationToken);
        return new MessageResult(true, null, message.Id);
    }

    /// <summary>The sender removes their message: the text is destroyed, a "message removed" marker stays, and the audit log says who.</summary>
    public async Task<MessageResult> RemoveAsync(MessageViewer viewer, Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await db.Messages.Include(m => m.Conversation).SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is null || message.SenderId != viewer.UserId || message.IsRemoved)
        {
            return MessageResult.Fail(NotFound);
        }

        message.Body = null;
        message.HasSsn = false;
        message.RemovedAt = timeProvider.GetUtcNow().UtcDateTime;
        message.RemovedById = viewer.UserId;
        if (message.ReadAt is null && message.Kind == MessageKind.Message && message.FromStaff && message.Conversation!.ClientUnread > 0)
        {
            message.Conversation.ClientUnread--;
        }

        audit.Add(db, viewer.Actor, AuditActions.MessageRemoved, "Message", message.Id, message.Conversation!.ClientId,
            message.Kind == MessageKind.InternalNote ? "Internal note" : null);
        await db.SaveChangesAsync(cancellationToken);
        await AnnounceChangeAsync(message, cancellationToken);
        return new MessageResult(true, null, message.Id);
    }

    /// <summary>Staff only: the message's text unmasked, for a reason the audit log keeps. Null when not found or removed.</summary>
    public async Task<string?> RevealAsync(MessageViewer viewer, Guid messageId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await db.Messages.AsNoTracking().Include(m => m.Conversation).SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message?.Body is null)
        {
            return null;
        }

        audit.Add(db, viewer.Actor, AuditActions.MessageSsnRevealed, "Message", message.Id, message.Conversation!.ClientId);
        await db.SaveChangesAsync(cancellationToken);
        return protector.Unprotect(message.ConversationId, message.Id, message.Body);
    }

    /// <summary>The navigation badge: a client's unread messages from the firm; for staff, the conversations waiting for the firm.</summary>
    public async Task<int> UnreadCountAsync(MessageViewer viewer, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return viewer.IsStaff
            ? await db.Conversations.CountAsync(c => c.StaffUnread, cancellationToken)
            : await db.Conversations.Where(c => c.ClientId == viewer.UserId).Select(c => c.ClientUnread).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Someone is writing: the other side's open thread shows it for a few seconds (an internal note only to staff).</summary>
    public async Task TypingAsync(MessageViewer viewer, Guid clientId, string name, bool note, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff && clientId != viewer.UserId)
        {
            return;
        }

        var typing = new Typing(clientId, viewer.IsStaff, name);
        if (note)
        {
            await live.SendToStaffAsync(MessageEvents.Typing, typing, cancellationToken);
        }
        else
        {
            await live.SendToGroupAsync(LiveGroups.Conversation(clientId), MessageEvents.Typing, typing, cancellationToken);
        }
    }

    /// <summary>What a message in this conversation can be about: the client's latest documents and their open requested items.</summary>
    public async Task<IReadOnlyList<MessageReference>> ReferencesAsync(MessageViewer viewer, Guid clientId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff && clientId != viewer.UserId)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var documents = await db.Documents.AsNoTracking().Where(d => d.UserId == clientId).OrderByDescending(d => d.CreatedAt).Take(30)
            .Select(d => new MessageReference(d.Id, d.FileName + " (" + d.TaxYear + ")", true)).ToListAsync(cancellationToken);
        var items = await db.RequestItems.AsNoTracking()
            .Where(i => i.Engagement!.ClientId == clientId && i.Status == Engagements.RequestItemStatus.Open)
            .OrderByDescending(i => i.Engagement!.TaxYear).ThenBy(i => i.SortOrder).Take(30)
            .Select(i => new MessageReference(i.Id, i.Description + " (" + i.Engagement!.TaxYear + ")", false)).ToListAsync(cancellationToken);
        return [.. documents, .. items];
    }

    /// <summary>Staff file the document a message carries as the client's answer to one of their requested items (audited).</summary>
    public async Task<MessageResult> FileAttachmentAsync(MessageViewer viewer, Guid messageId, Guid itemId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsStaff)
        {
            return MessageResult.Fail(NotFound);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var message = await db.Messages.AsNoTracking().Where(m => m.Id == messageId && m.RemovedAt == null)
            .Select(m => new { m.DocumentId, m.Conversation!.ClientId }).SingleOrDefaultAsync(cancellationToken);
        if (message?.DocumentId is not { } documentId)
        {
            return MessageResult.Fail("That message carries no document.");
        }

        var filed = await requests.FulfilAsync(message.ClientId, itemId, documentId, cancellationToken);
        if (!filed.Succeeded)
        {
            return MessageResult.Fail(filed.Error ?? "That requested item could not take the document.");
        }

        await audit.WriteAsync(viewer.Actor, AuditActions.MessageAttachmentFiled, "RequestItem", itemId, message.ClientId, cancellationToken: cancellationToken);
        return new MessageResult(true, null, messageId);
    }

    private async Task AnnounceChangeAsync(Message message, CancellationToken cancellationToken)
    {
        var changed = new MessageChanged(message.Conversation!.ClientId, message.Id);
        await live.SendToStaffAsync(MessageEvents.Changed, changed, cancellationToken);
        if (message.Kind == MessageKind.Message)
        {
            await live.SendToUserAsync(changed.ClientId, MessageEvents.Changed, changed, cancellationToken);
        }
    }

    private MessageView View(MessageViewer viewer, Message m, string senderName, string? documentName, string? itemName)
    {
        string? text = null;
        var masked = false;
        if (m.Body is not null)
        {
            text = protector.Unprotect(m.ConversationId, m.Id, m.Body) ?? "(This message could not be decrypted.)";
            if (viewer.IsStaff && m.HasSsn)
            {
                text = SsnText.Mask(text);
                masked = true;
            }
        }

        return new MessageView(m.Id, m.FromStaff, m.SenderId == viewer.UserId, senderName, m.Kind, text, masked, m.IsRemoved, m.SentAt, m.EditedAt,
            m.ReadAt, m.EngagementId, m.DocumentId, documentName, m.RequestItemId, itemName);
    }

    internal static string DisplayName(string? name, string? email) =>
        string.IsNullOrWhiteSpace(name) ? email ?? "Unknown" : name.Trim();

    private static Task<bool> IsClientAsync(TaxGeniusDbContext db, Guid userId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).AnyAsync(UsersInRole.Any(db, Roles.Client), cancellationToken);

    private static async Task<string?> RefsErrorAsync(TaxGeniusDbContext db, Guid clientId, MessageRefs refs, CancellationToken cancellationToken)
    {
        if (refs.EngagementId is { } engagementId && !await db.Engagements.AnyAsync(e => e.Id == engagementId && e.ClientId == clientId, cancellationToken))
        {
            return "That return does not exist.";
        }

        if (refs.DocumentId is { } documentId && !await db.Documents.AnyAsync(d => d.Id == documentId && d.UserId == clientId, cancellationToken))
        {
            return "That document does not exist.";
        }

        if (refs.RequestItemId is { } itemId && !await db.RequestItems.AnyAsync(i => i.Id == itemId && i.Engagement!.ClientId == clientId, cancellationToken))
        {
            return "That requested item does not exist.";
        }

        return null;
    }
}
