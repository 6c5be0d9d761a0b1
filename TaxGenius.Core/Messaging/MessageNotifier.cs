using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Messaging;

public sealed class MessagingOptions
{
    public const string Section = "TaxGenius:Messages";

    /// <summary>How long unread messages wait before one e-mail says they are there (default 10 minutes).</summary>
    [Range(1, 24 * 60)]
    public int QuietMinutes { get; set; } = 10;

    /// <summary>The hour (UTC) of the staff digest (default 13:00 UTC, 8 in the morning on the US east coast).</summary>
    [Range(0, 23)]
    public int DigestHourUtc { get; set; } = 13;
}

/// <summary>
/// E-mails about messages nobody has read: one notice per conversation per quiet period (the last message is older than the quiet
/// period and nobody has been told since it was sent), gathered into one e-mail per staff member per run; never one per message and
/// never the text. The notice is recorded with a conditional update before its e-mail is queued, so two instances or a retry never
/// send it twice.
/// </summary>
public sealed class MessageNotifier(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailQueue emails,
    PublicUrls urls,
    IOptions<MessagingOptions> options,
    TimeProvider timeProvider)
{
    public const string ClientPath = "client/messages";
    public const string InboxPath = "preparer/inbox";

    /// <summary>The recurring job (every minute). Returns how many e-mails it queued.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var quietSince = now.AddMinutes(-options.Value.QuietMinutes);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sent = 0;

        // Clients: the firm wrote, the client has not read it, and has not been told since the last message.
        var clients = await db.Conversations.AsNoTracking()
            .Where(c => c.ClientUnread > 0 && c.LastStaffMessageAt <= quietSince
                && (c.ClientNotifiedAt == null || c.ClientNotifiedAt < c.LastStaffMessageAt) && c.Client!.DeactivatedAt == null)
            .Select(c => new { c.Id, c.ClientNotifiedAt, c.Client!.Email, FirstName = c.Client.Profile != null ? c.Client.Profile.FirstName : null })
            .ToListAsync(cancellationToken);
        foreach (var client in clients.Where(c => c.Email is not null))
        {
            if (await ClaimAsync(db, client.Id, client.ClientNotifiedAt, staff: false, now, cancellationToken))
            {
                await emails.QueueAsync(client.Email!, new NewMessageEmail(client.FirstName ?? "there", urls.Absolute(ClientPath)), cancellationToken);
                sent++;
            }
        }

        // Staff: a client wrote, the firm has not read it, and staff have not been told since.
        var waiting = await db.Conversations.AsNoTracking()
            .Where(c => c.StaffUnread && c.LastClientMessageAt <= quietSince && (c.StaffNotifiedAt == null || c.StaffNotifiedAt < c.LastClientMessageAt))
            .Select(c => new { c.Id, c.ClientId, c.StaffNotifiedAt })
            .ToListAsync(cancellationToken);
        // One e-mail per staff member per run, however many of their clients wrote: a preparer with three waiting conversations got
        // three identical e-mails in the same minute.
        var told = new Dictionary<Guid, (StaffMember Member, int Conversations)>();
        var immediate = waiting.Count == 0 ? [] : await StaffAsync(db, MessageNotificationMode.Immediate).ToListAsync(cancellationToken);
        foreach (var conversation in waiting)
        {
            if (!await ClaimAsync(db, conversation.Id, conversation.StaffNotifiedAt, staff: true, now, cancellationToken))
            {
                continue;
            }

            foreach (var member in await RecipientsAsync(db, immediate, conversation.ClientId, cancellationToken))
            {
                told[member.Id] = (member, told.GetValueOrDefault(member.Id).Conversations + 1);
            }
        }

        foreach (var (member, conversations) in told.Values)
        {
            await emails.QueueAsync(member.Email, new StaffMessagesEmail(member.FirstName, conversations, Digest: false, urls.Absolute(InboxPath)), cancellationToken);
            sent++;
        }

        return sent;
    }

    /// <summary>The daily digest for staff who chose it: how many conversations wait for the firm. Nothing when none wait.</summary>
    public async Task<int> SendDigestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await db.Conversations.CountAsync(c => c.StaffUnread, cancellationToken);
        if (waiting == 0)
        {
            return 0;
        }

        var members = await StaffAsync(db, MessageNotificationMode.Digest).ToListAsync(cancellationToken);
        foreach (var member in members)
        {
            await emails.QueueAsync(member.Email, new StaffMessagesEmail(member.FirstName, waiting, Digest: true, urls.Absolute(InboxPath)), cancellationToken);
        }

        return members.Count;
    }

    /// <summary>
    /// Who hears of a client's message at once: the preparers of the client's returns who chose immediate e-mails
    /// (<paramref name="everyone"/>, loaded once per run); when no return has a preparer, every staff member who chose them.
    /// </summary>
    private static async Task<List<StaffMember>> RecipientsAsync(TaxGeniusDbContext db, List<StaffMember> everyone, Guid clientId,
        CancellationToken cancellationToken)
    {
        var preparers = await db.Engagements.Where(e => e.ClientId == clientId && e.PreparerId != null).Select(e => e.PreparerId!.Value)
            .Distinct().ToListAsync(cancellationToken);
        var assigned = everyone.Where(m => preparers.Contains(m.Id)).ToList();
        return preparers.Count > 0 ? assigned : everyone;
    }

    private static IQueryable<StaffMember> StaffAsync(TaxGeniusDbContext db, MessageNotificationMode mode) =>
        db.Users.AsNoTracking()
            .Where(u => u.MessageNotifications == mode && u.DeactivatedAt == null && u.Email != null)
            .Where(UsersInRole.Any(db, Roles.Preparer, Roles.Admin))
            .Select(u => new StaffMember(u.Id, u.Email!, u.Profile != null ? u.Profile.FirstName : "there"));

    /// <summary>Records the notice unless another run recorded one since <paramref name="seen"/> (only one of two racing runs wins).</summary>
    private static async Task<bool> ClaimAsync(TaxGeniusDbContext db, Guid conversationId, DateTime? seen, bool staff, DateTime now,
        CancellationToken cancellationToken)
    {
        var rows = staff
            ? await db.Conversations.Where(c => c.Id == conversationId && c.StaffNotifiedAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.StaffNotifiedAt, now), cancellationToken)
            : await db.Conversations.Where(c => c.Id == conversationId && c.ClientNotifiedAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClientNotifiedAt, now), cancellationToken);
        return rows == 1;
    }

    private sealed record StaffMember(Guid Id, string Email, string FirstName);
}
