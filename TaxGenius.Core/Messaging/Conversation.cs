using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Messaging;

/// <summary>
/// The one conversation between a client and the firm. Its counters are kept by <see cref="MessageService"/> in the same save as
/// the message that changes them, so the inbox and the navigation badges read one row, never a count over messages.
/// </summary>
public sealed class Conversation : IHasTimestamps
{
    public Guid Id { get; set; }

    /// <summary>The client (unique: one conversation per client).</summary>
    public Guid ClientId { get; set; }
    public ApplicationUser? Client { get; set; }

    /// <summary>When the last message or note was written (the inbox's order within read/unread).</summary>
    public DateTime LastMessageAt { get; set; }

    /// <summary>The client wrote something the firm has not read yet (the inbox shows these first).</summary>
    public bool StaffUnread { get; set; }

    /// <summary>Messages from the firm the client has not read yet (internal notes never count).</summary>
    public int ClientUnread { get; set; }

    /// <summary>When the firm last wrote to the client (not a note), and when the client last wrote: the notifier's quiet periods.</summary>
    public DateTime? LastStaffMessageAt { get; set; }
    public DateTime? LastClientMessageAt { get; set; }

    /// <summary>When the client was last told by e-mail that a message waits (one e-mail per quiet period).</summary>
    public DateTime? ClientNotifiedAt { get; set; }

    /// <summary>When staff were last told by e-mail that the client wrote.</summary>
    public DateTime? StaffNotifiedAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum MessageKind
{
    /// <summary>Seen by both sides.</summary>
    Message,

    /// <summary>Written by staff for staff: the client never sees it (page, hub or e-mail).</summary>
    InternalNote,
}

/// <summary>
/// One message or internal note. <see cref="Body"/> is an encrypted envelope (<see cref="MessageProtector"/>), never plain text;
/// it is emptied when the message is removed (a "message removed" marker and an audit row stay).
/// </summary>
public sealed class Message
{
    public const int MaxLength = 4000;

    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Conversation? Conversation { get; set; }

    public Guid SenderId { get; set; }
    public ApplicationUser? Sender { get; set; }

    /// <summary>Written by staff (a preparer or admin), not by the client.</summary>
    public bool FromStaff { get; set; }

    public MessageKind Kind { get; set; }

    /// <summary>The encrypted text; null once removed.</summary>
    public string? Body { get; set; }

    /// <summary>The text holds something shaped like an SSN: staff see it masked unless they reveal it (audited).</summary>
    public bool HasSsn { get; set; }

    /// <summary>What the message is about, when it is about something: a return, a document (an attachment), a requested item.</summary>
    public Guid? EngagementId { get; set; }
    public Guid? DocumentId { get; set; }
    public Guid? RequestItemId { get; set; }

    public DateTime SentAt { get; set; }
    public DateTime? EditedAt { get; set; }

    /// <summary>When the other side first read it (the read receipt); edits are refused from then on.</summary>
    public DateTime? ReadAt { get; set; }

    public DateTime? RemovedAt { get; set; }
    public Guid? RemovedById { get; set; }

    public bool IsRemoved => RemovedAt is not null;
}

/// <summary>How a staff member hears of new client messages by e-mail.</summary>
public enum MessageNotificationMode
{
    /// <summary>One e-mail after the quiet period, when the messages are still unread.</summary>
    Immediate,

    /// <summary>One e-mail a day listing how many conversations wait.</summary>
    Digest,

    Off,
}
