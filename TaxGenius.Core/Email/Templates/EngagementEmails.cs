namespace TaxGenius.Core.Email.Templates;

/// <summary>The firm asked for documents for a tax year: exactly what is needed, one link straight to the list.</summary>
public sealed record DocumentsRequestedEmail(string FirstName, int TaxYear, IReadOnlyList<string> Items, DateOnly DueDate, string RequestsUrl)
    : EmailTemplate
{
    public override string Subject => $"Documents needed for your {TaxYear} tax return";
    public override Type ComponentType => typeof(DocumentsRequestedEmailView);
    public override string Name => "documents-requested";
}

/// <summary>
/// A reminder (the schedule's, or a preparer's "Remind now") listing the required items still missing. <see cref="Number"/> counts
/// the reminders for this engagement, this one included.
/// </summary>
public sealed record DocumentsReminderEmail(string FirstName, int TaxYear, IReadOnlyList<string> Items, int Number, DateOnly DueDate, string RequestsUrl)
    : EmailTemplate
{
    public override string Subject => Items.Count == 1
        ? $"Reminder: 1 document still needed for your {TaxYear} return"
        : $"Reminder: {Items.Count} documents still needed for your {TaxYear} return";

    public override Type ComponentType => typeof(DocumentsReminderEmailView);
    public override string Name => "documents-reminder";
}

/// <summary>The return reached a stage the client cares about: documents received, ready to sign, filed.</summary>
public sealed record ReturnStageEmail(string FirstName, int TaxYear, ReturnMilestone Milestone, string HomeUrl) : EmailTemplate
{
    public override string Subject => Milestone switch
    {
        ReturnMilestone.DocumentsReceived => $"We have everything we need for your {TaxYear} return",
        ReturnMilestone.ReadyToSign => $"Your {TaxYear} return is ready for your signature",
        ReturnMilestone.Filed => $"Your {TaxYear} return has been filed",
        _ => $"News about your {TaxYear} return",
    };

    public string Message => Milestone switch
    {
        ReturnMilestone.DocumentsReceived => "Thank you: every document we asked for is in. We will start preparing your return and let you know when it is ready to sign.",
        ReturnMilestone.ReadyToSign => "Your return is prepared and reviewed. Please sign in to look it over and sign, so that we can file it.",
        ReturnMilestone.Filed => "We have filed your return. Keep this e-mail for your records; you can see the details when you sign in.",
        _ => "Sign in to see where your return stands.",
    };

    public override Type ComponentType => typeof(ReturnStageEmailView);
    public override string Name => "return-stage";
}

/// <summary>The moments of a return that are worth an e-mail to the client.</summary>
public enum ReturnMilestone
{
    DocumentsReceived,
    ReadyToSign,
    Filed,
}
