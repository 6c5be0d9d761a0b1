using TaxGenius.Core.Common;

namespace TaxGenius.Core.Email.Templates;

/// <summary>A message from the firm waits for the client. Never the text: only that there is one, and a link.</summary>
public sealed record NewMessageEmail(string FirstName, string MessagesUrl) : EmailTemplate
{
    public override string Subject => "You have a new message from your tax preparer";
    public override Type ComponentType => typeof(NewMessageEmailView);
    public override string Name => "new-message";
}

/// <summary>
/// Client messages wait for the firm: <see cref="Conversations"/> conversations (one, after the quiet period; or the day's digest).
/// Never the text, never a client's name.
/// </summary>
public sealed record StaffMessagesEmail(string FirstName, int Conversations, bool Digest, string InboxUrl) : EmailTemplate
{
    public override string Subject => Digest
        ? $"{Plural.Of(Conversations, "client conversation")} waiting for a reply"
        : Conversations == 1 ? "A client sent you a new message" : $"{Conversations} clients sent you new messages";

    public override Type ComponentType => typeof(StaffMessagesEmailView);
    public override string Name => Digest ? "messages-digest" : "client-message";
}
