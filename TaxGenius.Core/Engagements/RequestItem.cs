using TaxGenius.Core.Common;

namespace TaxGenius.Core.Engagements;

/// <summary>What the firm asks a client for.</summary>
public enum RequestKind
{
    W2,
    Form1099Int,
    Form1099Div,
    Form1099B,
    Form1099Nec,
    Form1099Misc,
    Form1099R,
    Form1098,
    Form1095A,
    PhotoId,
    PriorReturn,
    Other,
}

public enum RequestItemStatus
{
    /// <summary>Still needed from the client.</summary>
    Open,

    /// <summary>The client uploaded a document into it; waiting for a preparer to accept it.</summary>
    Fulfilled,

    /// <summary>The client said it does not apply (with a reason).</summary>
    NotApplicable,

    /// <summary>A preparer accepted what the client gave.</summary>
    Accepted,
}

/// <summary>One line of an engagement's checklist: "W-2 from Acme Corp", required or optional, due by a date.</summary>
public class RequestItem : IHasTimestamps
{
    public const int MaxDescriptionLength = 200;
    public const int MaxReasonLength = 300;
    public const int MaxOriginLength = 40;

    public Guid Id { get; set; }
    public Guid EngagementId { get; set; }
    public Engagement? Engagement { get; set; }

    public RequestKind Kind { get; set; }
    public required string Description { get; set; }
    public bool Required { get; set; } = true;
    public DateOnly? DueDate { get; set; }
    public int SortOrder { get; set; }

    public RequestItemStatus Status { get; set; } = RequestItemStatus.Open;

    /// <summary>The client's reason for "does not apply", or the preparer's reason for re-opening it.</summary>
    public string? Reason { get; set; }

    /// <summary>The document uploaded into it (the latest one).</summary>
    public Guid? DocumentId { get; set; }

    public DateTime? ResolvedAt { get; set; }

    /// <summary>
    /// Where the item came from: null when staff added it, <see cref="Origins.Template"/>, <see cref="Origins.Rollover"/>, or
    /// <c>q:</c> and a questionnaire key (removed again while still open when the client changes that answer).
    /// </summary>
    public string? Origin { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Fulfilled, accepted or waived: nothing more is needed from the client for it.</summary>
    public bool IsSatisfied => RequestKinds.IsSatisfied(Status);
}

/// <summary>The values of <see cref="RequestItem.Origin"/>.</summary>
public static class Origins
{
    public const string Template = "template";
    public const string Rollover = "rollover";
    public const string QuestionPrefix = "q:";

    public static string Question(string key) => QuestionPrefix + key;
}

public static class RequestKinds
{
    /// <summary>Fulfilled, accepted or waived: nothing more is needed from the client for the item.</summary>
    public static bool IsSatisfied(RequestItemStatus status) =>
        status is RequestItemStatus.Fulfilled or RequestItemStatus.Accepted or RequestItemStatus.NotApplicable;

    /// <summary>The document type an upload into an item of this kind gets.</summary>
    public static Documents.DocumentType DocumentType(RequestKind kind) => kind switch
    {
        RequestKind.W2 => Documents.DocumentType.W2,
        RequestKind.Form1099Int or RequestKind.Form1099Div or RequestKind.Form1099B or RequestKind.Form1099Nec or RequestKind.Form1099Misc
            or RequestKind.Form1099R => Documents.DocumentType.Form1099,
        RequestKind.PhotoId => Documents.DocumentType.Id,
        RequestKind.PriorReturn => Documents.DocumentType.TaxReturn,
        _ => Documents.DocumentType.Other,
    };

    public static string Name(RequestKind kind) => kind switch
    {
        RequestKind.W2 => "W-2",
        RequestKind.Form1099Int => "1099-INT",
        RequestKind.Form1099Div => "1099-DIV",
        RequestKind.Form1099B => "1099-B",
        RequestKind.Form1099Nec => "1099-NEC",
        RequestKind.Form1099Misc => "1099-MISC",
        RequestKind.Form1099R => "1099-R",
        RequestKind.Form1098 => "1098",
        RequestKind.Form1095A => "1095-A",
        RequestKind.PhotoId => "Photo ID",
        RequestKind.PriorReturn => "Prior-year return",
        RequestKind.Other => "Other",
        _ => kind.ToString(),
    };
}
