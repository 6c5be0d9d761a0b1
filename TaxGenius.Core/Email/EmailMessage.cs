namespace TaxGenius.Core.Email;

/// <summary>One e-mail to one person. <see cref="Id"/> makes a resend of the same message recognizable.</summary>
public sealed record EmailMessage(string To, string Subject, string HtmlBody, string TextBody)
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
}
