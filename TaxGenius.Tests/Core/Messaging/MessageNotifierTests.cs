using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Tests.Infrastructure;
using static TaxGenius.Tests.Infrastructure.MessagingServices;

namespace TaxGenius.Tests.Core.Messaging;

/// <summary>
/// E-mails about unread messages, minute by minute under a fake clock with two instances running the job: one per quiet period, none
/// when the message was read in time, never the text, and staff get what they chose (immediate, digest, off).
/// </summary>
public sealed class MessageNotifierTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 2, 10, 15, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_client_gets_one_email_per_quiet_period_never_with_the_text_and_none_when_they_read_in_time(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var a = new MessagingServices(database, clock);
        using var b = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var dana = await ClientAsync(database, "dana@example.test", "Dana");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        await SetModeAsync(database, pat, MessageNotificationMode.Off);

        // Three messages to Casey within five minutes, one to Dana, who reads it after four minutes; an internal note about Eli.
        var eli = await ClientAsync(database, "eli@example.test", "Eli");
        await a.Messages.SendAsync(Staff(pat), eli, "Secret-ish: staff only", MessageKind.InternalNote);
        await a.Messages.SendAsync(Staff(pat), casey, "Secret-ish detail one");
        await a.Messages.SendAsync(Staff(pat), dana, "Hello Dana");
        await RunMinutesAsync(a, b, 2);
        await a.Messages.SendAsync(Staff(pat), casey, "Secret-ish detail two");
        await RunMinutesAsync(a, b, 2);
        await a.Messages.MarkReadAsync(Client(dana), dana);
        await RunMinutesAsync(a, b, 1);
        await a.Messages.SendAsync(Staff(pat), casey, "Secret-ish detail three");

        // Nothing during the quiet period, which restarts with each message; then exactly one e-mail.
        await RunMinutesAsync(a, b, 9);
        Assert.Empty(await EmailsAsync(database, "new-message"));
        await RunMinutesAsync(a, b, 30);
        var sent = Assert.Single(await EmailsAsync(database, "new-message"));
        Assert.Equal("casey@example.test", sent.To);
        Assert.Contains("https://app.example.test/client/messages", sent.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret-ish", sent.TextBody + sent.HtmlBody + sent.Subject, StringComparison.Ordinal);

        // Another message while the first ones are still unread: one more e-mail, a quiet period later.
        await a.Messages.SendAsync(Staff(pat), casey, "Secret-ish detail four");
        await RunMinutesAsync(a, b, 15);
        Assert.Equal(2, (await EmailsAsync(database, "new-message")).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Staff_get_what_they_chose_the_preparer_of_the_return_first(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");          // immediate (the default)
        var quinn = await UserAsync(database, "quinn@example.test", Roles.Preparer, "Quinn");    // digest
        var avery = await UserAsync(database, "avery@example.test", Roles.Admin, "Avery");       // off
        await SetModeAsync(database, quinn, MessageNotificationMode.Digest);
        await SetModeAsync(database, avery, MessageNotificationMode.Off);

        await services.Messages.SendAsync(Client(casey), casey, "Question about my 1099 with private details");
        clock.Advance(TimeSpan.FromMinutes(11));
        await services.Notifier.SendDueAsync();
        await services.Notifier.SendDueAsync();
        var immediate = Assert.Single(await EmailsAsync(database, "client-message"));
        Assert.Equal("pat@example.test", immediate.To);
        Assert.DoesNotContain("private details", immediate.TextBody + immediate.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Casey", immediate.TextBody + immediate.HtmlBody + immediate.Subject, StringComparison.Ordinal);

        Assert.Equal(1, await services.Notifier.SendDigestAsync());
        var digest = Assert.Single(await EmailsAsync(database, "messages-digest"));
        Assert.Equal("quinn@example.test", digest.To);
        Assert.Equal("1 client conversation waiting for a reply", digest.Subject);

        // Read by the firm: no digest tomorrow.
        await services.Messages.MarkReadAsync(Staff(pat), casey);
        Assert.Equal(0, await services.Notifier.SendDigestAsync());
        Assert.DoesNotContain(await EmailsAsync(database, null), e => e.To == "avery@example.test");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Several_clients_writing_in_one_quiet_period_make_one_email_to_their_preparer(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        foreach (var (email, name) in new[] { ("casey@example.test", "Casey"), ("dana@example.test", "Dana"), ("eli@example.test", "Eli") })
        {
            var client = await ClientAsync(database, email, name);
            await services.Messages.SendAsync(Client(client), client, $"A question from {name} with private details");
        }

        for (var minute = 0; minute < 12; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await services.Notifier.SendDueAsync();
        }

        var sent = Assert.Single(await EmailsAsync(database, "client-message"));
        Assert.Equal("pat@example.test", sent.To);
        Assert.Equal("3 clients sent you new messages", sent.Subject);
        Assert.Contains("3 clients wrote to the firm and nobody has read their messages yet.", sent.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("private details", sent.TextBody + sent.HtmlBody, StringComparison.Ordinal);

        // A fourth client later: one more e-mail, about that one.
        var fay = await ClientAsync(database, "fay@example.test", "Fay");
        await services.Messages.SendAsync(Client(fay), fay, "Another question");
        clock.Advance(TimeSpan.FromMinutes(11));
        await services.Notifier.SendDueAsync();
        var all = await EmailsAsync(database, "client-message");
        Assert.Equal(2, all.Count);
        Assert.Single(all, e => e.Subject == "A client sent you a new message");
    }

    private async Task RunMinutesAsync(MessagingServices a, MessagingServices b, int minutes)
    {
        for (var i = 0; i < minutes; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAll(a.Notifier.SendDueAsync(), b.Notifier.SendDueAsync());
        }
    }

    private static async Task SetModeAsync(TestDatabase database, Guid userId, MessageNotificationMode mode)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.MessageNotifications, mode));
    }

    private static async Task<List<TaxGenius.Core.Email.QueuedEmail>> EmailsAsync(TestDatabase database, string? template)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.QueuedEmails.AsNoTracking().Where(e => template == null || e.Template == template).ToListAsync();
    }
}
