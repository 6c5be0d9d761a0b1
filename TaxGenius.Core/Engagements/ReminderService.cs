using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Engagements;

public enum ReminderOutcome
{
    Sent,
    NothingMissing,
    AlreadySentToday,
    NotFound,
    NoAddress,
}

/// <summary>One reminder as the engagement's activity shows it; <paramref name="ActorName"/> is who pressed "Remind now" as colleagues know them (their name, or their address without a profile), null for the schedule.</summary>
public sealed record ReminderView(DateTime SentAt, ReminderKind Kind, int OpenItems, string? ActorEmail, string? ActorName);

/// <summary>
/// Reminds clients of the required items still open. The recurring job (<see cref="SendDueAsync"/>) sends each engagement waiting
/// for documents a reminder on the firm's schedule; it stops by itself once nothing required is open, the engagement moves on or
/// is on hold, or staff paused it. A reminder is a row unique per engagement and day, saved in one transaction with its e-mail:
/// two instances, or a retried job, can never send two on one day.
/// </summary>
public sealed class ReminderService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    IOptions<ReminderOptions> options,
    TimeProvider timeProvider)
{
    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>The recurring job: sends every reminder due today. Returns how many were sent by this run.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var now = Now;
        var today = DateOnly.FromDateTime(now);
        List<Guid> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var candidates = await db.Engagements.AsNoTracking()
                .Where(e => e.Stage == EngagementStage.DocumentsRequested && !e.RemindersPaused && e.RequestedAt != null
                    && e.Client!.DeactivatedAt == null
                    && db.RequestItems.Any(i => i.EngagementId == e.Id && i.Required && i.Status == RequestItemStatus.Open))
                .Select(e => new
                {
                    e.Id,
                    RequestedAt = e.RequestedAt!.Value,
                    DueDate = e.ExtendedDueDate ?? e.DueDate,
                    LastSentOn = db.EngagementReminders.Where(r => r.EngagementId == e.Id).Max(r => (DateOnly?)r.SentOn),
                })
                .ToListAsync(cancellationToken);
            due = candidates
                .Where(c => ReminderSchedule.IsDue(DateOnly.FromDateTime(c.RequestedAt), today, c.DueDate, c.LastSentOn, options.Value))
                .Select(c => c.Id).ToList();
        }

        var sent = 0;
        foreach (var id in due)
        {
            if (await SendAsync(id, ReminderKind.Scheduled, null, cancellationToken) == ReminderOutcome.Sent)
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>"Remind now": a reminder from a member of staff, whatever the schedule (still never two on one day).</summary>
    public Task<ReminderOutcome> RemindNowAsync(AuditActor actor, Guid engagementId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendAsync(engagementId, ReminderKind.Manual, actor, cancellationToken);
    }

    /// <summary>Pauses or resumes the automatic reminders of an engagement.</summary>
    public async Task<bool> SetPausedAsync(AuditActor actor, Guid engagementId, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
        if (engagement is null)
        {
            return false;
        }

        if (engagement.RemindersPaused != paused)
        {
            engagement.RemindersPaused = paused;
            audit.Add(db, actor, paused ? AuditActions.RemindersPaused : AuditActions.RemindersResumed, EngagementService.Subject, engagement.Id,
                engagement.ClientId, $"{engagement.TaxYear}");
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>An engagement's reminders, newest first.</summary>
    public async Task<IReadOnlyList<ReminderView>> ListAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.EngagementReminders.AsNoTracking().Where(r => r.EngagementId == engagementId)
            .OrderByDescending(r => r.SentOn)
            .Select(r => new ReminderView(r.SentAt, r.Kind, r.OpenItems, r.ActorEmail,
                db.Profiles.Where(p => p.User!.Email == r.ActorEmail).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault() ?? r.ActorEmail))
            .ToListAsync(cancellationToken);
    }

    private async Task<ReminderOutcome> SendAsync(Guid engagementId, ReminderKind kind, AuditActor? actor, CancellationToken cancellationToken)
    {
        var now = Now;
        var today = DateOnly.FromDateTime(now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().Where(e => e.Id == engagementId)
            .Select(e => new
            {
                e.Id, e.ClientId, e.TaxYear, DueDate = e.ExtendedDueDate ?? e.DueDate,
                e.Client!.Email, e.Client.DeactivatedAt, FirstName = e.Client.Profile != null ? e.Client.Profile.FirstName : null,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (engagement is null)
        {
            return ReminderOutcome.NotFound;
        }

        if (engagement.Email is null || engagement.DeactivatedAt is not null)
        {
            return ReminderOutcome.NoAddress;
        }

        var missing = await db.RequestItems.AsNoTracking()
            .Where(i => i.EngagementId == engagementId && i.Required && i.Status == RequestItemStatus.Open)
            .OrderBy(i => i.SortOrder).Select(i => i.Description).ToListAsync(cancellationToken);
        if (missing.Count == 0)
        {
            return ReminderOutcome.NothingMissing;
        }

        if (await db.EngagementReminders.AnyAsync(r => r.EngagementId == engagementId && r.SentOn == today, cancellationToken))
        {
            return ReminderOutcome.AlreadySentToday;
        }

        var number = await db.EngagementReminders.CountAsync(r => r.EngagementId == engagementId, cancellationToken) + 1;
        db.EngagementReminders.Add(new EngagementReminder
        {
            EngagementId = engagementId, SentOn = today, SentAt = now, Kind = kind, OpenItems = missing.Count, ActorEmail = actor?.Email,
        });
        await emails.AddAsync(db, engagement.Email, new DocumentsReminderEmail(engagement.FirstName ?? "there", engagement.TaxYear, missing,
            number, engagement.DueDate, urls.Absolute("/client#requests")), cancellationToken);
        audit.Add(db, actor ?? DocumentRequestService.System, AuditActions.ClientReminded, EngagementService.Subject, engagementId,
            engagement.ClientId, $"{engagement.TaxYear}: reminder {number}, {Plural.Of(missing.Count, "item")} missing" + (actor is null ? "" : " (Remind now)"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return ReminderOutcome.Sent;
        }
        catch (DbUpdateException)
        {
            // Another instance (or a retry of this job) sent today's reminder a moment ago: the unique index refused this one, and its
            // e-mail with it. Anything else is a real failure.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await fresh.EngagementReminders.AnyAsync(r => r.EngagementId == engagementId && r.SentOn == today, cancellationToken))
            {
                return ReminderOutcome.AlreadySentToday;
            }

            throw;
        }
    }
}
