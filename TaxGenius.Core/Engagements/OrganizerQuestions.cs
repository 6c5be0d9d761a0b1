namespace TaxGenius.Core.Engagements;

/// <summary>One question of the yearly organizer, and what a "yes" adds to the client's checklist.</summary>
public sealed record OrganizerQuestion(string Key, string Text, IReadOnlyList<NewRequestItem> AddsOnYes);

/// <summary>
/// The short yearly questionnaire: life events that change what a return needs. A "yes" adds the question's items to the request
/// list; a "no" (or taking the answer back) removes them again while the client has not answered them yet.
/// </summary>
public static class OrganizerQuestions
{
    public static readonly IReadOnlyList<OrganizerQuestion> All =
    [
        new("marital-change", "Did you marry, divorce or separate?",
            [new(RequestKind.Other, "Marriage certificate or divorce / separation decree")]),
        new("new-dependent", "Did you have or adopt a child, or take in a new dependent?",
            [new(RequestKind.Other, "Social Security card or birth certificate of the new dependent")]),
        new("moved-state", "Did you move to another state?",
            [new(RequestKind.Other, "Moving date and addresses before and after the move")]),
        new("new-job", "Did you start a new job?",
            [new(RequestKind.W2, "W-2 from your new employer")]),
        new("sold-investments", "Did you sell stocks, funds or crypto?",
            [new(RequestKind.Form1099B, "1099-B from each broker or exchange")]),
        new("bought-home", "Did you buy a home?",
            [new(RequestKind.Form1098, "1098 mortgage interest statement"), new(RequestKind.Other, "Closing disclosure of the purchase", Required: false)]),
        new("sold-home", "Did you sell a home?",
            [new(RequestKind.Other, "1099-S and closing statement of the sale")]),
        new("started-business", "Did you start a business or do freelance work?",
            [new(RequestKind.Form1099Nec, "1099-NEC or 1099-K from your clients"), new(RequestKind.Other, "Summary of business income and expenses")]),
        new("hsa", "Did you have a health savings account (HSA)?",
            [new(RequestKind.Other, "1099-SA and 5498-SA for your HSA")]),
        new("marketplace", "Did you buy health insurance on the marketplace (healthcare.gov or your state's)?",
            [new(RequestKind.Form1095A, "1095-A from the health insurance marketplace")]),
        new("education", "Did you pay tuition or education expenses?",
            [new(RequestKind.Other, "1098-T from the school, and receipts for books and fees")]),
        new("energy", "Did you install solar panels, a heat pump or other energy improvements at home?",
            [new(RequestKind.Other, "Receipts for the energy improvements")]),
    ];

    public static OrganizerQuestion? Find(string? key) => All.FirstOrDefault(q => q.Key == key);
}
