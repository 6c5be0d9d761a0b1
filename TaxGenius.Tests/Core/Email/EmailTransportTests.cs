using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using TaxGenius.Core.Email;

namespace TaxGenius.Tests.Core.Email;

public sealed class EmailTransportTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"tg_outbox_{Guid.NewGuid():N}");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_outbox_holds_a_whole_multipart_message_per_e_mail()
    {
        var outbox = new OutboxFolder(folder);
        var service = new EmailService(new OutboxEmailTransport(outbox), Options.Create(new EmailOptions()), clock);
        var email = new EmailMessage("casey@example.test", "Confirm your address", "<p>Hello <b>Casey</b></p>", "Hello Casey");

        await service.SendAsync(email);

        var entry = Assert.Single(outbox.List());
        Assert.Equal("casey@example.test", entry.To);
        Assert.Equal("Confirm your address", entry.Subject);
        Assert.Equal($"{email.Id:N}@taxgenius", entry.Message.MessageId);
        Assert.Contains("<b>Casey</b>", entry.Message.HtmlBody ?? "", StringComparison.Ordinal);
        Assert.Equal("Hello Casey", entry.Message.TextBody?.Trim());
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public async Task SMTP_delivers_to_a_real_server()
    {
        var port = int.Parse(Environment.GetEnvironmentVariable("TAXGENIUS_TEST_SMTP_PORT")
            ?? throw new InvalidOperationException("TAXGENIUS_TEST_SMTP_PORT is not set: run scripts/test.sh."), System.Globalization.CultureInfo.InvariantCulture);
        var inbox = Environment.GetEnvironmentVariable("TAXGENIUS_TEST_SMTP_DIR")!;
        var options = Options.Create(new EmailOptions { Smtp = new SmtpSettings { Host = "127.0.0.1", Port = port, Security = "None" } });
        var service = new EmailService(new SmtpEmailTransport(options), options, clock);
        var email = new EmailMessage("smtp.test@example.test", "Over SMTP " + Guid.NewGuid(), "<p>Delivered</p>", "Delivered");

        await service.SendAsync(email);

        MimeMessage? received = null;
        for (var i = 0; i < 50 && received is null; i++)
        {
            received = Directory.GetFiles(inbox, "*.eml").Select(f => MimeMessage.Load(f)).FirstOrDefault(m => m.Subject == email.Subject);
            if (received is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(received);
        Assert.Equal("smtp.test@example.test", received.To.Mailboxes.Single().Address);
        Assert.Equal("Delivered", received.TextBody?.Trim());
        Assert.Contains("Delivered", received.HtmlBody ?? "", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
