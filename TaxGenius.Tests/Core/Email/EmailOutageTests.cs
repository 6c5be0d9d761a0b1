using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Health;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Email;

/// <summary>
/// The SMTP relay is down for longer than a few quick retries: messages wait with back-off and go out once when it returns;
/// those past the retry window are given up, listed for an admin and resent once; readiness says the transport is degraded.
/// Real PostgreSQL, Hangfire and an SMTP server the test stops and starts; the windows are configured short.
/// </summary>
public sealed class EmailOutageTests
{
    [Fact]
    public async Task An_outage_longer_than_the_old_retry_window_delays_mail_but_loses_none_and_sends_each_once()
    {
        await using var smtp = new SmtpSink(); // down: connections are refused
        await using var app = await CreateAppAsync(smtp.Port, giveUpAfter: "00:10:00", maxBackoff: "00:00:02");
        var queue = app.Services.GetRequiredService<EmailQueue>();
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await queue.QueueAsync($"reset{i}@example.test", new PasswordResetEmail($"http://localhost/reset?code={i}")));
        }

        // Longer than the old window (three attempts within ~6 s, then Failed for good): every message is still waiting (queued, or
        // in its next attempt at this very instant), none given up, none sent.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var rows = await RowsAsync(app, ids);
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { QueuedEmailStatus.Queued, QueuedEmailStatus.Sending }));
        Assert.All(rows, r => Assert.True(r.Attempts >= 3, $"{r.Attempts} attempts"));
        Assert.All(rows, r => Assert.NotNull(r.LastError));
        Assert.Empty(smtp.Messages);

        // Readiness: degraded (the app serves pages; mail waits), with the queue in the description.
        var (status, email) = await ReadyAsync(app);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", email.GetProperty("status").GetString());
        Assert.Contains("20 waiting for a retry", email.GetProperty("description").GetString(), StringComparison.Ordinal);

        await smtp.StartAsync();
        var delivered = await WaitForMessagesAsync(smtp, 20, TimeSpan.FromSeconds(30));
        Assert.Equal(20, delivered.Count);
        Assert.Equal(ids.Select(id => $"{id:N}@taxgenius").Order(), delivered.Select(m => m.MessageId).Order());

        // Another dispatch (a duplicate job, the other instance) sends nothing more.
        await app.Services.GetRequiredService<EmailDeliveryJob>().DispatchAsync(CancellationToken.None);
        await Task.Delay(500);
        Assert.Equal(20, smtp.Messages.Count);
        Assert.All(await RowsAsync(app, ids), r => Assert.Equal(QueuedEmailStatus.Sent, r.Status));

        await Task.Delay(EmailTransportHealthCheck.ProbeInterval);
        (_, email) = await ReadyAsync(app);
        Assert.Equal("Healthy", email.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Messages_past_the_retry_window_are_given_up_listed_with_the_reason_and_resent_once_by_an_admin()
    {
        await using var smtp = new SmtpSink();
        await using var app = await CreateAppAsync(smtp.Port, giveUpAfter: "00:00:03", maxBackoff: "00:00:01");
        var queue = app.Services.GetRequiredService<EmailQueue>();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await queue.QueueAsync($"late{i}@example.test", new WelcomeEmail("Late", "http://localhost/")));
        }

        var undelivered = app.Services.GetRequiredService<UndeliveredEmails>();
        UndeliveredReport report = default!;
        for (var i = 0; i < 150; i++)
        {
            report = await undelivered.ListAsync();
            if (report.GivenUp == 3)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(3, report.GivenUp);
        Assert.Equal(0, report.Waiting);
        Assert.All(report.Messages, m =>
        {
            Assert.True(m.GivenUp);
            Assert.True(m.CanResend);
            Assert.Contains("SocketException", m.LastError, StringComparison.Ordinal);
        });

        await smtp.StartAsync();
        var admin = await AdminActorAsync(app);

        // One resent: it goes out; a second click on the same message changes nothing.
        Assert.Equal(ResendOutcome.Queued, await undelivered.ResendAsync(admin, ids[0]));
        Assert.Equal(ResendOutcome.NotGivenUp, await undelivered.ResendAsync(admin, ids[0]));
        var first = await WaitForMessagesAsync(smtp, 1, TimeSpan.FromSeconds(20));
        Assert.Equal($"{ids[0]:N}@taxgenius", Assert.Single(first).MessageId);
        Assert.Equal(ResendOutcome.NotGivenUp, await undelivered.ResendAsync(admin, ids[0])); // sent now: nothing to resend

        // The rest at once; then each of the three went out exactly once.
        Assert.Equal(2, await undelivered.ResendAllAsync(admin));
        var all = await WaitForMessagesAsync(smtp, 3, TimeSpan.FromSeconds(20));
        await Task.Delay(500);
        Assert.Equal(ids.Select(id => $"{id:N}@taxgenius").Order(), smtp.Messages.Select(f => MimeMessage.Load(f).MessageId).Order());
        Assert.Equal(3, all.Count);
        Assert.Equal(0, (await undelivered.ListAsync()).GivenUp);

        // Each resend is in the audit log, without the message's address or body.
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var audited = await db.AuditEntries.Where(a => a.Action == AuditActions.EmailResent).ToListAsync();
        Assert.Equal(3, audited.Count);
        Assert.All(audited, a => Assert.DoesNotContain("@example.test", a.Detail ?? "", StringComparison.Ordinal));
        Assert.Equal(ids.Order(), audited.Select(a => a.SubjectId!.Value).Order());
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_for_good_is_given_up_at_once_and_not_retried_for_a_day()
    {
        await using var smtp = new SmtpSink();
        await smtp.StartAsync();
        await using var app = await CreateAppAsync(smtp.Port, giveUpAfter: "1.00:00:00", maxBackoff: "00:00:01");
        // The sink refuses recipients at refused.example.test with 550 (scripts/smtp-sink.py).
        var id = await app.Services.GetRequiredService<EmailQueue>().QueueAsync("nobody@refused.example.test", new WelcomeEmail("No", "http://localhost/"));

        QueuedEmail row = default!;
        for (var i = 0; i < 100; i++)
        {
            row = (await RowsAsync(app, [id])).Single();
            if (row.Status == QueuedEmailStatus.Failed)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(QueuedEmailStatus.Failed, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("550", row.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    private static async Task<AuditActor> AdminActorAsync(TaxGeniusAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var admin = await db.Users.SingleAsync(u => u.Email == TaxGenius.Core.Demo.DemoAccounts.Admin);
        return new AuditActor(admin.Id, admin.Email, "127.0.0.1", IsAdmin: true);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Email)> ReadyAsync(TaxGeniusAppFactory app)
    {
        using var response = await app.CreateClient().GetAsync("/health/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.GetProperty("checks").GetProperty("email").Clone());
    }

    private static async Task<List<QueuedEmail>> RowsAsync(TaxGeniusAppFactory app, IReadOnlyCollection<Guid> ids)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.QueuedEmails.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync();
    }

    private static async Task<TaxGeniusAppFactory> CreateAppAsync(int smtpPort, string giveUpAfter, string maxBackoff)
    {
        var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:Delivery:GiveUpAfter"] = giveUpAfter,
            ["Email:Delivery:MaxBackoff"] = maxBackoff,
        });
        app.StartServer();
        return app;
    }

    private static async Task<List<MimeMessage>> WaitForMessagesAsync(SmtpSink smtp, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (smtp.Messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return smtp.Messages.Select(f => MimeMessage.Load(f)).ToList();
    }
}
