using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace TaxGenius.Core.Email;

/// <summary>
/// Sends through an SMTP server with MailKit. Connections are kept and reused (one per concurrent sender, up to a few),
/// so a burst of e-mails does not pay a TCP and TLS handshake per message; a connection that failed is dropped.
/// </summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport, IDisposable
{
    private const int MaxIdleConnections = 8;
    private readonly ConcurrentBag<SmtpClient> idle = [];

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var client = idle.TryTake(out var pooled) ? pooled : new SmtpClient();
        try
        {
            if (!client.IsConnected)
            {
                await ConnectAsync(client, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        if (idle.Count < MaxIdleConnections)
        {
            idle.Add(client);
        }
        else
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
            client.Dispose();
        }
    }

    /// <summary>Connects (and authenticates, when configured) on a new connection, then says goodbye: the relay takes mail now.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        await ConnectAsync(client, cancellationToken, timeoutMilliseconds: 5_000);
        await client.NoOpAsync(cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken, int timeoutMilliseconds = 30_000)
    {
        var smtp = options.Value.Smtp;
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.StartTlsWhenAvailable;
        client.Timeout = timeoutMilliseconds;
        await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Email:Smtp:Host is not set."), smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }
    }

    public void Dispose()
    {
        while (idle.TryTake(out var client))
        {
            client.Dispose();
        }
    }
}
