using Microsoft.Extensions.Options;
using MimeKit;

namespace TaxGenius.Core.Email;

/// <summary>The one way the app sends e-mail: builds a multipart (HTML + plain text) MIME message and hands it to the transport.</summary>
public sealed class EmailService(IEmailTransport transport, IOptions<EmailOptions> options, TimeProvider timeProvider)
{
    public async Task SendAsync(EmailMessage email, CancellationToken cancellationToken = default)
    {
        var message = Build(email);
        await transport.SendAsync(message, cancellationToken);
    }

    public MimeMessage Build(EmailMessage email)
    {
        var o = options.Value;
        var message = new MimeMessage
        {
            MessageId = $"{email.Id:N}@taxgenius",
            Subject = email.Subject,
            Date = timeProvider.GetUtcNow(),
        };
        message.From.Add(new MailboxAddress(o.FromName, o.FromAddress));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Body = new BodyBuilder { HtmlBody = email.HtmlBody, TextBody = email.TextBody }.ToMessageBody();
        return message;
    }
}
