using MimeKit;

namespace TaxGenius.Core.Email;

/// <summary>Delivers a finished MIME message: SMTP in production, the outbox folder in the embedded default.</summary>
public interface IEmailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
