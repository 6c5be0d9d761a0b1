namespace TaxGenius.Core.Engagements;

/// <summary>The stages' names for staff and for clients, their order on the board, and the rules of a move.</summary>
public static class EngagementStages
{
    public const int MaxHoldReasonLength = 300;

    /// <summary>The board's columns, left to right (On hold last).</summary>
    public static readonly IReadOnlyList<EngagementStage> Board =
    [
        EngagementStage.NotStarted, EngagementStage.DocumentsRequested, EngagementStage.DocumentsReceived, EngagementStage.InPreparation,
        EngagementStage.InReview, EngagementStage.AwaitingSignature, EngagementStage.ReadyToFile, EngagementStage.Filed,
        EngagementStage.Done, EngagementStage.OnHold,
    ];

    public static string Name(EngagementStage stage) => stage switch
    {
        EngagementStage.NotStarted => "Not started",
        EngagementStage.DocumentsRequested => "Documents requested",
        EngagementStage.DocumentsReceived => "Documents received",
        EngagementStage.InPreparation => "In preparation",
        EngagementStage.InReview => "In review",
        EngagementStage.AwaitingSignature => "Awaiting signature",
        EngagementStage.ReadyToFile => "Ready to file",
        EngagementStage.Filed => "Filed",
        EngagementStage.Done => "Done",
        EngagementStage.OnHold => "On hold",
        _ => stage.ToString(),
    };

    /// <summary>What a client reads about their return, in plain words.</summary>
    public static string ForClient(EngagementStage stage) => stage switch
    {
        EngagementStage.NotStarted => "We have not started on your return yet.",
        EngagementStage.DocumentsRequested => "We are waiting for your documents.",
        EngagementStage.DocumentsReceived => "We have your documents and will start on your return soon.",
        EngagementStage.InPreparation => "We are preparing your return.",
        EngagementStage.InReview => "Your return is being reviewed.",
        EngagementStage.AwaitingSignature => "Your return is ready for your signature.",
        EngagementStage.ReadyToFile => "Your return is signed and about to be filed.",
        EngagementStage.Filed => "Your return has been filed.",
        EngagementStage.Done => "Your return is done.",
        EngagementStage.OnHold => "Your return is on hold; the firm will be in touch.",
        _ => "",
    };

    /// <summary>Why a move from <paramref name="from"/> to <paramref name="to"/> is refused, or null when it is allowed.</summary>
    public static string? Refusal(EngagementStage from, EngagementStage to, string? holdReason)
    {
        if (from == to)
        {
            return $"The return is already {Name(to)}.";
        }

        if (to == EngagementStage.OnHold && string.IsNullOrWhiteSpace(holdReason))
        {
            return "Say why the return is on hold: the client and the team see the reason.";
        }

        if (holdReason is { Length: > MaxHoldReasonLength })
        {
            return $"Keep the reason under {MaxHoldReasonLength} characters.";
        }

        if (from == EngagementStage.Done && to != EngagementStage.OnHold)
        {
            return "A return that is done cannot move back; put it on hold with a reason to reopen it.";
        }

        return null;
    }

    /// <summary>The default due date of a tax year's return: April 15 of the following year.</summary>
    public static DateOnly DefaultDueDate(int taxYear) => new(taxYear + 1, 4, 15);
}
