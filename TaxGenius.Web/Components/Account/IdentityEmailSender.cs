using System.Net;
using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Components.Account;

/// <summary>Identity's account e-mails (confirm address, reset password), queued through the app's e-mail pipeline.</summary>
internal sealed class IdentityEmailSender(EmailQueue emails) : IEmailSender<ApplicationUser>
{
    // Identity hands us links already HTML-encoded; the templates encode what they show.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        emails.QueueAsync(email, new ConfirmEmailEmail(null, WebUtility.HtmlDecode(confirmationLink)));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        emails.QueueAsync(email, new PasswordResetEmail(WebUtility.HtmlDecode(resetLink)));

    /// <summary>Only Identity's JSON API endpoints send bare codes; this app does not map them.</summary>
    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        throw new NotSupportedException("Password resets are sent as links (SendPasswordResetLinkAsync).");
}
