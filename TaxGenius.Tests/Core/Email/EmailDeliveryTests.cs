using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Email;

/// <summary>E-mail through Hangfire on PostgreSQL into a real SMTP server.</summary>
public sealed class EmailDeliveryTests
{
    public static TheoryData<EmailTemplate> Templates =>
    [
        new WelcomeEmail("Casey", "http://localhost/Account/Login"),
        new ConfirmEmailEmail("Casey", "http://localhost/Account/ConfirmEmail?code=abc"),
        new PasswordResetEmail("http://localhost/Account/ResetPassword?code=abc"),
        new DocumentStatusChangedEmail("Casey", "W-2", "w2.pdf", 2025, "COMPLETED", "http://localhost/client"),
        new DocumentRejectedEmail("Casey", "W-2", "w2.pdf", 2025, "The scan is cut off.", "http://localhost/client"),
        new ReferralInvitationEmail("Riley Referrer", "http://localhost/r/ABCD2345"),
        new ReferralConvertedEmail("Riley", 50.00m, "http://localhost/referrer", null),
        new CommissionPaidEmail("Riley", 150.00m, "PAY-2026-0001", new DateOnly(2026, 11, 24), "http://localhost/referrer"),
    ];

    [Fact]
    public async Task Every_template_is_delivered_over_SMTP_as_valid_multipart_MIME()
    {
        await using var smtp = new SmtpSink();
        await smtp.StartAsync();
        await using var app = await CreateAppAsync(smtp.Port);
        var queue = app.Services.GetRequiredService<EmailQueue>();

        var expected = new Dictionary<string, string>();
        foreach (var template in Templates)
        {
            var to = $"{template.Name}@example.test";
            await queue.QueueAsync(to, template);
            expected[to] = template.Subject;
        }

        var messages = await WaitForMessagesAsync(smtp, expected.Count);
        if (messages.Count != expected.Count)
        {
            await using var diagnostics = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
            var rows = await diagnostics.QueuedEmails.AsNoTracking().Select(e => $"{e.Template}:{e.Status}/{e.Attempts}/{e.LastError}").ToListAsync();
            Assert.Fail($"{messages.Count} of {expected.Count} delivered; rows {string.Join(", ", rows)}; {JobsReport(app)}");
        }
        foreach (var message in messages)
        {
            var to = message.To.Mailboxes.Single().Address;
            Assert.Equal(expected[to], message.Subject);
            Assert.False(string.IsNullOrWhiteSpace(message.HtmlBody), to);
            Assert.False(string.IsNullOrWhiteSpace(message.TextBody), to);
            Assert.EndsWith("@taxgenius", message.MessageId, StringComparison.Ordinal);
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        // The sink has the messages a moment before the dispatcher records them as sent: wait for that write, then check the rows.
        for (var i = 0; i < 100 && await db.QueuedEmails.AnyAsync(e => e.Status != QueuedEmailStatus.Sent); i++)
        {
            await Task.Delay(100);
        }

        var stored = await db.QueuedEmails.AsNoTracking().ToListAsync();
        Assert.All(stored, e =>
        {
            Assert.Equal(QueuedEmailStatus.Sent, e.Status);
            Assert.Null(e.HtmlBody); // one-time links do not linger in the database
            Assert.Null(e.TextBody);
        });
    }

    [Fact]
    public async Task With_SMTP_down_the_job_retries_and_delivers_once_when_it_is_back()
    {
        await using var smtp = new SmtpSink(); // not started yet: connections are refused
        await using var app = await CreateAppAsync(smtp.Port);
        var queue = app.Services.GetRequiredService<EmailQueue>();
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

        var id = await queue.QueueAsync("retry@example.test", new PasswordResetEmail("http://localhost/reset?code=1"));

        // The first attempt fails and leaves the message queued for a retry.
        var email = await ReadAsync(factory, id);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (email.LastError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            email = await ReadAsync(factory, id);
        }

        Assert.True(email.LastError is not null, JobsReport(app));
        Assert.True(email.Attempts >= 1);
        Assert.NotEqual(QueuedEmailStatus.Sent, email.Status);
        Assert.Empty(smtp.Messages);

        await smtp.StartAsync();
        var delivered = await WaitForMessagesAsync(smtp, 1);
        var state = await ReadAsync(factory, id);
        Assert.True(delivered.Count == 1, $"{state.Status}, {state.Attempts} attempts, next {state.NextAttemptAt:O}, error {state.LastError}; {JobsReport(app)}");
        Assert.Equal($"{id:N}@taxgenius", delivered[0].MessageId);

        // Running the dispatch again (a duplicate job, another instance, a manual retry) sends nothing more.
        await app.Services.GetRequiredService<EmailDeliveryJob>().DispatchAsync(CancellationToken.None);
        await Task.Delay(500);
        Assert.Single(smtp.Messages);
        await using var check = await factory.CreateDbContextAsync();
        Assert.Equal(QueuedEmailStatus.Sent, (await check.QueuedEmails.SingleAsync(e => e.Id == id)).Status);
    }

    [Fact]
    public async Task Concurrent_dispatches_send_each_message_once()
    {
        await using var smtp = new SmtpSink();
        await smtp.StartAsync();
        await using var app = await CreateAppAsync(smtp.Port, extra: new() { ["Jobs:ServerEnabled"] = "false" });
        var queue = app.Services.GetRequiredService<EmailQueue>();
        for (var i = 0; i < 50; i++)
        {
            await queue.QueueAsync($"once{i}@example.test", new WelcomeEmail("Once", "http://localhost/"));
        }

        // Eight dispatches at once (as eight workers or instances would run them) race for the same 50 messages.
        var job = app.Services.GetRequiredService<EmailDeliveryJob>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => job.DispatchAsync(CancellationToken.None))));

        await WaitForMessagesAsync(smtp, 50);
        await Task.Delay(300);
        var ids = smtp.Messages.Select(f => MimeMessage.Load(f).MessageId).ToList();
        Assert.Equal(50, ids.Count);
        Assert.Equal(50, ids.Distinct().Count());
    }

    private static async Task<QueuedEmail> ReadAsync(IDbContextFactory<TaxGeniusDbContext> factory, Guid id)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.QueuedEmails.AsNoTracking().SingleAsync(e => e.Id == id);
    }

    /// <summary>What Hangfire holds, for a failure message.</summary>
    private static string JobsReport(TaxGeniusAppFactory app)
    {
        var monitor = app.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var stats = monitor.GetStatistics();
        var failed = monitor.FailedJobs(0, 5).Select(j => $"{j.Value.ExceptionType}: {j.Value.ExceptionMessage}");
        return $"servers {stats.Servers}, enqueued {stats.Enqueued}, scheduled {stats.Scheduled}, processing {stats.Processing}, " +
            $"succeeded {stats.Succeeded}, failed {stats.Failed}; queues {string.Join(",", monitor.Queues().Select(q => $"{q.Name}={q.Length}"))}; " +
            string.Join(" | ", failed);
    }

    private static async Task<TaxGeniusAppFactory> CreateAppAsync(int smtpPort, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var app = await TaxGeniusAppFactory.CreateAsync(extra: settings);
        app.StartServer();
        return app;
    }

    private static async Task<List<MimeMessage>> WaitForMessagesAsync(SmtpSink smtp, int count)
    {
        for (var i = 0; i < 300 && smtp.Messages.Count < count; i++)
        {
            await Task.Delay(100);
        }

        return smtp.Messages.Select(f => MimeMessage.Load(f)).ToList();
    }
}
