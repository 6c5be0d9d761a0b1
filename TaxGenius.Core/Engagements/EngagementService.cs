using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Engagements;

/// <summary>The outcome of a change to an engagement; on a conflict, the stage and version it has now.</summary>
public sealed record EngagementResult(bool Succeeded, string? Error, EngagementStage? Stage = null, uint? Version = null, bool Conflict = false)
{
    public static EngagementResult Fail(string error) => new(false, error);
}

/// <summary>What a client may read about their own engagement.</summary>
public sealed record ClientEngagementView(Guid Id, int TaxYear, EngagementStage Stage, string StageText, DateOnly DueDate);

/// <summary>An engagement as its staff page shows it.</summary>
public sealed record EngagementDetail(
    Guid Id, Guid ClientId, string ClientName, string ClientEmail, int TaxYear, EngagementStage Stage, string? HoldReason, DateOnly DueDate,
    string? PreparerEmail, bool RemindersPaused, DateTime? RequestedAt, uint Version, bool NextYearStarted, string? PreparerName = null)
{
    /// <summary>Who prepares it, as colleagues know them: their name, or their address when they have no profile.</summary>
    public string? Preparer => PreparerName ?? PreparerEmail;
}

/// <summary>One of a client's returns, to link to from staff pages.</summary>
public sealed record ClientReturnLink(Guid Id, int TaxYear, EngagementStage Stage);

/// <summary>
/// One move of an engagement for the staff page: <see cref="EngagementStageChange"/> with <paramref name="ActorName"/>, the actor's
/// name, or their address when they have no profile (the automatic advance keeps its own label).
/// </summary>
public sealed record EngagementMoveView(EngagementStage From, EngagementStage To, string? Reason, Guid? ActorId, string? ActorEmail, string? ActorName, DateTime At);

/// <summary>
/// Engagements: one per client per tax year, created on demand (<see cref="EnsureAsync"/>, safe to race), moved between stages
/// under optimistic concurrency (two preparers moving one card: one wins, the other is told where it is now), every move
/// recorded with who and when and audited in the same transaction.
/// </summary>
public sealed class EngagementService(IDbContextFactory<TaxGeniusDbContext> dbFactory, AuditLog audit, ReturnStageEmails stageEmails,
    TimeProvider timeProvider)
{
    public const string Subject = "engagement";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>The client's engagement for the year, created (Not started, due April 15 of the next year) when there is none.</summary>
    public async Task<Engagement> EnsureAsync(Guid clientId, int taxYear, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Engagements.AsNoTracking().SingleOrDefaultAsync(e => e.ClientId == clientId && e.TaxYear == taxYear, cancellationToken) is { } existing)
        {
            return existing;
        }

        var engagement = Engagement.Open(clientId, taxYear, Now);
        db.Engagements.Add(engagement);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return engagement;
        }
        catch (DbUpdateException)
        {
            // Another request created it a moment ago (the unique index on client and year): that one is the engagement.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await fresh.Engagements.AsNoTracking().SingleAsync(e => e.ClientId == clientId && e.TaxYear == taxYear, cancellationToken);
        }
    }

    /// <summary>
    /// Moves the engagement to <paramref name="to"/>. With <paramref name="expectedVersion"/> (the card the user saw), a card moved by
    /// someone else since is not moved again: the caller is told where it is now. On hold needs a reason.
    /// </summary>
    public Task<EngagementResult> MoveAsync(AuditActor actor, Guid engagementId, EngagementStage to, uint? expectedVersion,
        string? holdReason = null, CancellationToken cancellationToken = default) =>
        MutateAsync(actor, engagementId, expectedVersion, engagement =>
        {
            var reason = to == EngagementStage.OnHold ? holdReason?.Trim() : null;
            if (EngagementStages.Refusal(engagement.Stage, to, reason) is { } refusal)
            {
                return (refusal, null);
            }

            if (to == EngagementStage.OnHold)
            {
                engagement.StageBeforeHold = engagement.Stage;
                engagement.HoldReason = reason;
            }
            else
            {
                engagement.StageBeforeHold = null;
                engagement.HoldReason = null;
            }

            return (null, reason);
        }, to, cancellationToken);

    /// <summary>Takes an engagement off hold, back to the stage it was held in.</summary>
    public async Task<EngagementResult> ResumeAsync(AuditActor actor, Guid engagementId, uint? expectedVersion, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
        if (engagement is null)
        {
            return EngagementResult.Fail("That engagement does not exist.");
        }

        if (engagement.Stage != EngagementStage.OnHold)
        {
            return new EngagementResult(false, "The return is not on hold.", engagement.Stage, engagement.Version);
        }

        return await MoveAsync(actor, engagementId, engagement.StageBeforeHold ?? EngagementStage.NotStarted, expectedVersion, null, cancellationToken);
    }

    /// <summary>The engagement's moves, oldest first, each with who made it as colleagues know them.</summary>
    public async Task<IReadOnlyList<EngagementMoveView>> HistoryAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.EngagementStageChanges.AsNoTracking().Where(c => c.EngagementId == engagementId)
            .OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new EngagementMoveView(c.From, c.To, c.Reason, c.ActorId, c.ActorEmail,
                db.Profiles.Where(p => p.UserId == c.ActorId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault() ?? c.ActorEmail, c.At))
            .ToListAsync(cancellationToken);
    }

    /// <summary>An engagement for its staff page, or null.</summary>
    public async Task<EngagementDetail?> DetailAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Engagements.AsNoTracking().Where(e => e.Id == engagementId)
            .Select(e => new EngagementDetail(e.Id, e.ClientId,
                e.Client!.Profile != null ? e.Client.Profile.FirstName + " " + e.Client.Profile.LastName : e.Client.Email!,
                e.Client.Email!, e.TaxYear, e.Stage, e.HoldReason, e.ExtendedDueDate ?? e.DueDate, e.Preparer != null ? e.Preparer.Email : null,
                e.RemindersPaused, e.RequestedAt, e.Version,
                db.Engagements.Any(n => n.ClientId == e.ClientId && n.TaxYear == e.TaxYear + 1 && db.RequestItems.Any(i => i.EngagementId == n.Id)),
                e.Preparer != null && e.Preparer.Profile != null ? e.Preparer.Profile.FirstName + " " + e.Preparer.Profile.LastName : null))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>A client's returns, newest year first: for staff pages that lead from the client to their returns.</summary>
    public async Task<IReadOnlyList<ClientReturnLink>> ReturnsOfClientAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Engagements.AsNoTracking().Where(e => e.ClientId == clientId).OrderByDescending(e => e.TaxYear)
            .Select(e => new ClientReturnLink(e.Id, e.TaxYear, e.Stage)).ToListAsync(cancellationToken);
    }

    /// <summary>A client's own engagement for a year (never another client's: the client id is part of the query).</summary>
    public async Task<ClientEngagementView?> FindForClientAsync(Guid clientId, int taxYear, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().SingleOrDefaultAsync(e => e.ClientId == clientId && e.TaxYear == taxYear, cancellationToken);
        return engagement is null ? null : new ClientEngagementView(engagement.Id, engagement.TaxYear, engagement.Stage,
            EngagementStages.ForClient(engagement.Stage), engagement.EffectiveDueDate);
    }

    private async Task<EngagementResult> MutateAsync(AuditActor actor, Guid engagementId, uint? expectedVersion,
        Func<Engagement, (string? Refusal, string? Reason)> change, EngagementStage to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
        if (engagement is null)
        {
            return EngagementResult.Fail("That engagement does not exist.");
        }

        if (expectedVersion is { } expected && expected != engagement.Version)
        {
            return Conflict(engagement);
        }

        var (refusal, reason) = change(engagement);
        if (refusal is not null)
        {
            return new EngagementResult(false, refusal, engagement.Stage, engagement.Version);
        }

        RecordMove(db, audit, engagement, to, actor, reason, Now);
        await stageEmails.AddAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Engagements.AsNoTracking().SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
            return current is null ? EngagementResult.Fail("That engagement was deleted a moment ago.") : Conflict(current);
        }

        return new EngagementResult(true, null, engagement.Stage, engagement.Version);
    }

    /// <summary>
    /// Moves <paramref name="engagement"/> (tracked in <paramref name="db"/>) to <paramref name="to"/> and adds its history row and
    /// audit row to the same save: the one way a stage changes, for people on the board and for the automatic advance.
    /// </summary>
    internal static void RecordMove(TaxGeniusDbContext db, AuditLog audit, Engagement engagement, EngagementStage to, AuditActor actor,
        string? reason, DateTime now)
    {
        var from = engagement.Stage;
        engagement.Stage = to;
        engagement.StageChangedAt = now;
        db.EngagementStageChanges.Add(new EngagementStageChange
        {
            EngagementId = engagement.Id,
            From = from,
            To = to,
            Reason = reason,
            ActorId = actor.UserId == Guid.Empty ? null : actor.UserId,
            ActorEmail = actor.Email,
            At = now,
        });
        audit.Add(db, actor, AuditActions.EngagementStageChanged, Subject, engagement.Id, engagement.ClientId,
            $"{engagement.TaxYear}: {EngagementStages.Name(from)} → {EngagementStages.Name(to)}" + (reason is null ? "" : $" ({reason})"));
    }

    private static EngagementResult Conflict(Engagement current) => new(false,
        $"Someone else moved this return a moment ago: it is now {EngagementStages.Name(current.Stage)}. The board shows it as it is now.",
        current.Stage, current.Version, Conflict: true);
}
