namespace TaxGenius.Core.Engagements;

public enum ReminderKind
{
    /// <summary>Sent by the recurring job on the firm's schedule.</summary>
    Scheduled,

    /// <summary>A member of staff pressed "Remind now".</summary>
    Manual,
}

/// <summary>
/// One reminder sent to a client about an engagement's missing items. Unique per engagement and day: the database itself refuses a
/// second reminder on the same day, whichever instance or retry of the job tries it, and the e-mail is queued in the same
/// transaction, so a refused row takes its e-mail with it.
/// </summary>
public class EngagementReminder
{
    public Guid Id { get; set; }
    public Guid EngagementId { get; set; }

    /// <summary>The firm's calendar day it was sent on (UTC).</summary>
    public DateOnly SentOn { get; set; }
    public DateTime SentAt { get; set; }

    public ReminderKind Kind { get; set; }

    /// <summary>How many required items were still open, as listed in the e-mail.</summary>
    public int OpenItems { get; set; }

    /// <summary>Who pressed "Remind now"; null for the schedule.</summary>
    public string? ActorEmail { get; set; }
}

/// <summary>A line of the firm's default checklist (the 1040 list), copied into each new engagement's requests.</summary>
public class RequestTemplateItem
{
    public Guid Id { get; set; }
    public RequestKind Kind { get; set; }
    public required string Description { get; set; }
    public bool Required { get; set; } = true;

    /// <summary>Only for clients the firm has no earlier engagement for (a prior-year return, for instance).</summary>
    public bool NewClientsOnly { get; set; }

    public int SortOrder { get; set; }
}

/// <summary>The client's answers to the yearly questionnaire for one engagement; saved as they go, finished when they say so.</summary>
public class OrganizerAnswers
{
    public Guid EngagementId { get; set; }

    /// <summary>Question key → yes (true) or no (false), as JSON; a question not answered yet is absent.</summary>
    public string AnswersJson { get; set; } = "{}";

    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
