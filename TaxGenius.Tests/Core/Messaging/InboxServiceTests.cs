using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Tests.Infrastructure;
using static TaxGenius.Tests.Infrastructure.MessagingServices;

namespace TaxGenius.Tests.Core.Messaging;

/// <summary>The staff inbox: waiting conversations first, then the most recent, paged by keyset; mine, unread and search filters.</summary>
public sealed class InboxServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 2, 10, 15, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Waiting_conversations_come_first_and_every_page_follows_on_without_gaps(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var clients = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var client = await ClientAsync(database, $"client{i}@example.test", $"Client{i}");
            clients.Add(client);
            clock.Advance(TimeSpan.FromMinutes(1));
            // Even clients wrote and wait for the firm; odd ones got a message from the firm.
            Assert.True((i % 2 == 0
                ? await services.Messages.SendAsync(Client(client), client, $"Question {i}")
                : await services.Messages.SendAsync(Staff(pat), client, $"Answer {i}")).Succeeded);
        }

        var order = new List<InboxRow>();
        string? next = null;
        do
        {
            var page = await services.Inbox.ListAsync(pat, new InboxFilter(), next, size: 3);
            order.AddRange(page.Rows);
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal([clients[6], clients[4], clients[2], clients[0], clients[5], clients[3], clients[1]], order.Select(r => r.ClientId));
        Assert.Equal([true, true, true, true, false, false, false], order.Select(r => r.Unread));
        Assert.True(order[4].LastFromStaff);

        var unread = await services.Inbox.ListAsync(pat, new InboxFilter(UnreadOnly: true));
        Assert.Equal(4, unread.Rows.Count);
        Assert.Null(unread.Next);

        var search = await services.Inbox.ListAsync(pat, new InboxFilter(Search: "client3@"));
        Assert.Equal(clients[3], Assert.Single(search.Rows).ClientId);
        Assert.Equal("Client3 Tester", search.Rows[0].ClientName);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Mine_shows_the_clients_whose_return_I_prepare(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var quinn = await UserAsync(database, "quinn@example.test", Roles.Preparer, "Quinn");
        var casey = await ClientAsync(database, "casey@example.test");
        var dana = await ClientAsync(database, "dana@example.test", "Dana");
        await services.Messages.SendAsync(Client(casey), casey, "Hello");
        await services.Messages.SendAsync(Client(dana), dana, "Hello");
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var engagement = Engagement.Open(casey, 2026, clock.GetUtcNow().UtcDateTime);
            engagement.PreparerId = pat;
            db.Engagements.Add(engagement);
            await db.SaveChangesAsync();
        }

        Assert.Equal(casey, Assert.Single((await services.Inbox.ListAsync(pat, new InboxFilter(MineOnly: true))).Rows).ClientId);
        Assert.Empty((await services.Inbox.ListAsync(quinn, new InboxFilter(MineOnly: true))).Rows);
        Assert.Equal(2, (await services.Inbox.ListAsync(quinn, new InboxFilter())).Rows.Count);
        Assert.Equal(dana, Assert.Single(await services.Inbox.FindClientsAsync("dana")).Id);
        Assert.Empty(await services.Inbox.FindClientsAsync("pat@"));
    }
}
