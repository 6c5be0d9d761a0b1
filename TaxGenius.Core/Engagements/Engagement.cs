using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Engagements;

/// <summary>Where a client's return for one tax year stands. On hold is set aside with a reason, from any stage.</summary>
public enum EngagementStage
{
    NotStarted,
    DocumentsRequested,
    DocumentsReceived,
    InPreparation,
    InReview,
    AwaitingSignature,
    ReadyToFile,
    Filed,
    Done,
    OnHold,
}

public enum EngagementPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

/// <summary>
/// One client's return for one tax year (unique per client and year): its stage, who prepares and reviews it, when it is due.
/// Every stage change is recorded in <see cref="EngagementStageChange"/> and the audit log, under optimistic concurrency.
/// </summary>
public class Engagement : IHasTimestamps
{
    public Guid Id { get; set; }

    public Guid ClientId { get; set; }
    public ApplicationUser? Client { get; set; }

    public int TaxYear { get; set; }

    public EngagementStage Stage { get; set; } = EngagementStage.NotStarted;

    /// <summary>While on hold: the stage it was in (where "Resume" takes it back) and why it is held.</summary>
    public EngagementStage? StageBeforeHold { get; set; }
    public string? HoldReason { get; set; }

    public DateTime StageChangedAt { get; set; }

    public Guid? PreparerId { get; set; }
    public ApplicationUser? Preparer { get; set; }

    public Guid? ReviewerId { get; set; }
    public ApplicationUser? Reviewer { get; set; }

    /// <summary>April 15 of the following year unless the firm sets another; <see cref="ExtendedDueDate"/> once extended.</summary>
    public DateOnly DueDate { get; set; }
    public DateOnly? ExtendedDueDate { get; set; }

    /// <summary>
    /// <see cref="ExtendedDueDate"/> or else <see cref="DueDate"/>, computed and stored by the database, so that the board's columns
    /// (most urgent first) and the overdue filter read an index instead of sorting the whole year. Set after a save; in memory use
    /// <see cref="EffectiveDueDate"/>.
    /// </summary>
    public DateOnly DueOn { get; private set; }

    public EngagementPriority Priority { get; set; } = EngagementPriority.Normal;

    /// <summary>When the firm first asked for documents: the reminder schedule counts its days from here.</summary>
    public DateTime? RequestedAt { get; set; }

    /// <summary>Staff paused the automatic reminders (the client called, is travelling, ...). "Remind now" still works.</summary>
    public bool RemindersPaused { get; set; }

    /// <summary>Optimistic concurrency, as documents: PostgreSQL's xmin, a counter on SQLite. Two moves of one card: one wins.</summary>
    public uint Version { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public DateOnly EffectiveDueDate => ExtendedDueDate ?? DueDate;

    /// <summary>A client's engagement for a year as it starts: Not started, due April 15 of the next year.</summary>
    public static Engagement Open(Guid clientId, int taxYear, DateTime now) => new()
    {
        ClientId = clientId, TaxYear = taxYear, StageChangedAt = now, DueDate = EngagementStages.DefaultDueDate(taxYear),
    };
}

/// <summary>One move of an engagement: from, to, why (on hold), who and when. Append-only.</summary>
public class EngagementStageChange
{
    public Guid Id { get; set; }
    public Guid EngagementId { get; set; }
    public EngagementStage From { get; set; }
    public EngagementStage To { get; set; }
    public string? Reason { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorEmail { get; set; }
    public DateTime At { get; set; }
}
