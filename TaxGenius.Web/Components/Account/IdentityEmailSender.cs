using System.Net;
using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Components.Account;

/// <summary>Identity's account e-mails (confirm address, reset password), sent through the app's e-mail service.</summary>
internal sealed class IdentityEmailSender(EmailService emailService) : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        Send(email, "Confirm your TaxGenius e-mail address",
            "Welcome to TaxGenius. Please confirm your e-mail address to finish creating your account.",
            "Confirm my e-mail address", confirmationLink);

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        Send(email, "Reset your TaxGenius password",
            "Someone (hopefully you) asked to reset the password of your TaxGenius account. If it was not you, ignore this message.",
            "Choose a new password", resetLink);

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        Send(email, "Your TaxGenius password reset code", $"Your password reset code is {resetCode}.", null, null);

    private Task Send(string to, string subject, string paragraph, string? buttonText, string? encodedLink)
    {
        // Identity hands us links already HTML-encoded.
        var link = encodedLink is null ? null : WebUtility.HtmlDecode(encodedLink);
        var html = $"""
            <!DOCTYPE html><html><body style="margin:0;background:#f4f6fb;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
            <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px">
            <tr><td style="background:#1e3a8a;color:#ffffff;padding:16px 24px;font-size:20px;font-weight:600;border-radius:8px 8px 0 0">TaxGenius</td></tr>
            <tr><td style="padding:24px;font-size:16px;line-height:1.5">
            <p>{WebUtility.HtmlEncode(paragraph)}</p>
            {(link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(link)}\" style=\"display:inline-block;background:#1e3a8a;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none\">{WebUtility.HtmlEncode(buttonText)}</a></p><p style=\"font-size:13px;color:#6b7280\">Or paste this address into your browser: {WebUtility.HtmlEncode(link)}</p>")}
            </td></tr></table></td></tr></table></body></html>
            """;
        var text = link is null ? paragraph : $"{paragraph}\n\n{buttonText}: {link}\n";
        return emailService.SendAsync(new EmailMessage(to, subject, html, text));
    }
}
