using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;
using static TaxGenius.Tests.Infrastructure.MessagingServices;

namespace TaxGenius.Tests.Core.Messaging;

/// <summary>
/// Conversations between a client and the firm, on both databases: who reads what, read receipts and unread counts, internal notes,
/// edits until read, removal with a marker and an audit row, SSN-shaped text masked for staff, bodies encrypted at rest.
/// </summary>
public sealed class MessageServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 2, 10, 15, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_client_and_the_firm_exchange_messages_with_read_receipts_and_unread_counts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var messages = services.Messages;

        var sent = await messages.SendAsync(Client(casey), casey, "  Hi, is **anything** else needed for 2026?  ");
        Assert.True(sent.Succeeded, sent.Error);
        Assert.Equal(1, await messages.UnreadCountAsync(Staff(pat)));
        Assert.Equal(0, await messages.UnreadCountAsync(Client(casey)));

        clock.Advance(TimeSpan.FromMinutes(2));
        var thread = (await messages.ThreadAsync(Staff(pat), casey))!;
        var first = Assert.Single(thread.Messages);
        Assert.Equal("Hi, is **anything** else needed for 2026?", first.Text);
        Assert.Equal("Casey Tester", thread.ClientName);
        Assert.False(first.Mine);
        Assert.Null(first.ReadAt);

        await messages.MarkReadAsync(Staff(pat), casey);
        Assert.Equal(0, await messages.UnreadCountAsync(Staff(pat)));
        var seenByCasey = Assert.Single((await messages.ThreadAsync(Client(casey), casey))!.Messages);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, seenByCasey.ReadAt);
        Assert.False(seenByCasey.CanEdit);
        Assert.True(seenByCasey.CanRemove);

        Assert.True((await messages.SendAsync(Staff(pat), casey, "Only your 1099-INT from the bank.")).Succeeded);

        // A second later, as a person types: at the same instant the order falls to the ids, which are random within a millisecond.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await messages.SendAsync(Staff(pat), casey, "And a photo ID.")).Succeeded);
        Assert.Equal(2, await messages.UnreadCountAsync(Client(casey)));
        await messages.MarkReadAsync(Client(casey), casey);
        Assert.Equal(0, await messages.UnreadCountAsync(Client(casey)));

        var all = (await messages.ThreadAsync(Client(casey), casey))!.Messages;
        Assert.Equal(["Hi, is **anything** else needed for 2026?", "Only your 1099-INT from the bank.", "And a photo ID."], all.Select(m => m.Text));
        Assert.All(all.Where(m => m.FromStaff), m => Assert.NotNull(m.ReadAt));
        Assert.Equal("Pat Tester", all[1].SenderName);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_client_reaches_only_their_own_conversation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var dana = await ClientAsync(database, "dana@example.test", "Dana");
        var messages = services.Messages;
        var caseys = (await messages.SendAsync(Client(casey), casey, "My private question")).MessageId!.Value;
        var danasDocument = await TestDocuments.AddAsync(database, dana);

        // Dana asks for Casey's conversation and Casey's message by id: nothing, whatever the route.
        Assert.Null(await messages.ThreadAsync(Client(dana), casey));
        Assert.Equal(MessageService.NotFound, (await messages.SendAsync(Client(dana), casey, "Hello?")).Error);
        Assert.Equal(MessageService.NotFound, (await messages.EditAsync(Client(dana), caseys, "changed")).Error);
        Assert.Equal(MessageService.NotFound, (await messages.RemoveAsync(Client(dana), caseys)).Error);
        Assert.Null(await messages.RevealAsync(Client(dana), caseys));
        await messages.MarkReadAsync(Client(dana), casey);
        Assert.Equal("That document does not exist.",
            (await messages.SendAsync(Client(casey), casey, "See this", refs: new MessageRefs(DocumentId: danasDocument))).Error);
        Assert.Empty((await messages.ThreadAsync(Client(dana), dana))!.Messages);

        var thread = (await messages.ThreadAsync(Client(casey), casey))!;
        var message = Assert.Single(thread.Messages);
        Assert.Equal("My private question", message.Text);
        Assert.Null(message.ReadAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Internal_notes_stay_with_the_staff(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var messages = services.Messages;

        Assert.True((await messages.SendAsync(Staff(pat), casey, "Client sounds unsure about the rental income.", MessageKind.InternalNote)).Succeeded);
        Assert.True((await messages.SendAsync(Staff(pat), casey, "Could you send the rental statements?")).Succeeded);

        var seenByClient = (await messages.ThreadAsync(Client(casey), casey))!.Messages;
        Assert.Equal(["Could you send the rental statements?"], seenByClient.Select(m => m.Text));
        Assert.Equal(1, await messages.UnreadCountAsync(Client(casey)));
        var seenByStaff = (await messages.ThreadAsync(Staff(pat), casey))!.Messages;
        Assert.Equal([MessageKind.InternalNote, MessageKind.Message], seenByStaff.Select(m => m.Kind));

        // A client cannot write one.
        Assert.Equal(MessageService.NotFound, (await messages.SendAsync(Client(casey), casey, "sneaky", MessageKind.InternalNote)).Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Edits_stop_once_the_other_side_read_and_removal_leaves_a_marker_and_an_audit_row(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var messages = services.Messages;
        var id = (await messages.SendAsync(Client(casey), casey, "My W-2 is attached")).MessageId!.Value;

        Assert.True((await messages.EditAsync(Client(casey), id, "My W-2 and 1099 are attached")).Succeeded);
        Assert.Equal(MessageService.NotFound, (await messages.EditAsync(Staff(pat), id, "staff cannot edit it")).Error);
        var edited = Assert.Single((await messages.ThreadAsync(Client(casey), casey))!.Messages);
        Assert.Equal("My W-2 and 1099 are attached", edited.Text);
        Assert.NotNull(edited.EditedAt);

        await messages.MarkReadAsync(Staff(pat), casey);
        var refused = await messages.EditAsync(Client(casey), id, "too late");
        Assert.False(refused.Succeeded);
        Assert.Contains("was read already", refused.Error, StringComparison.Ordinal);

        Assert.True((await messages.RemoveAsync(Client(casey), id)).Succeeded);
        var removed = Assert.Single((await messages.ThreadAsync(Staff(pat), casey))!.Messages);
        Assert.True(removed.Removed);
        Assert.Null(removed.Text);
        Assert.False((await messages.RemoveAsync(Client(casey), id)).Succeeded);

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Null(await db.Messages.Where(m => m.Id == id).Select(m => m.Body).SingleAsync());
        var row = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.MessageRemoved);
        Assert.Equal(casey, row.ActorId);
        Assert.Equal(id, row.SubjectId);
        Assert.Equal(casey, row.SubjectUserId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Text_shaped_like_an_SSN_is_masked_for_staff_until_revealed_with_an_audit_row(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var messages = services.Messages;
        var id = (await messages.SendAsync(Client(casey), casey, "My daughter's SSN is 123-45-6789, reference 2026-01-15.")).MessageId!.Value;

        var staffView = Assert.Single((await messages.ThreadAsync(Staff(pat), casey))!.Messages);
        Assert.True(staffView.Masked);
        Assert.Equal("My daughter's SSN is ***-**-6789, reference 2026-01-15.", staffView.Text);
        // The client wrote it: they see their own words.
        Assert.Equal("My daughter's SSN is 123-45-6789, reference 2026-01-15.", Assert.Single((await messages.ThreadAsync(Client(casey), casey))!.Messages).Text);

        Assert.Equal("My daughter's SSN is 123-45-6789, reference 2026-01-15.", await messages.RevealAsync(Staff(pat), id));
        await using var db = await database.Factory.CreateDbContextAsync();
        var reveal = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.MessageSsnRevealed);
        Assert.Equal(pat, reveal.ActorId);
        Assert.Equal(casey, reveal.SubjectUserId);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.ConversationViewed && a.ActorId == pat));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_input_gets_a_clear_message_and_nothing_is_saved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var referrer = await UserAsync(database, "riley@example.test", Roles.Referrer, "Riley");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var messages = services.Messages;

        Assert.Equal(MessageService.Empty, (await messages.SendAsync(Client(casey), casey, "   ")).Error);
        Assert.Equal(MessageService.TooLong, (await messages.SendAsync(Client(casey), casey, new string('x', Message.MaxLength + 1))).Error);
        Assert.Equal(MessageService.NotFound, (await messages.SendAsync(Staff(pat), referrer, "Not a client")).Error);
        Assert.Equal(MessageService.NotFound, (await messages.SendAsync(Staff(pat), Guid.NewGuid(), "Nobody")).Error);
        Assert.True((await messages.SendAsync(Client(casey), casey, new string('y', Message.MaxLength))).Succeeded);

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(1, await db.Messages.CountAsync());
        Assert.Equal(1, await db.Conversations.CountAsync());
    }

    [Fact]
    public async Task Bodies_are_encrypted_at_rest_in_the_column_and_in_a_database_dump()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        var pat = await UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        Assert.True((await services.Messages.SendAsync(Client(casey), casey, $"Client text {marker}")).Succeeded);
        Assert.True((await services.Messages.SendAsync(Staff(pat), casey, $"Staff note {marker}", MessageKind.InternalNote)).Succeeded);

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var bodies = await db.Messages.Select(m => m.Body!).ToListAsync();
            Assert.Equal(2, bodies.Count);
            Assert.All(bodies, b => Assert.StartsWith("m1:k1:", b, StringComparison.Ordinal));
            Assert.All(bodies, b => Assert.DoesNotContain(marker, b, StringComparison.Ordinal));
        }

        var dump = await PgDump.DataAsync(database.ConnectionString);
        Assert.Contains("m1:k1:", dump, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, dump, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Key_rotation_re_encrypts_message_bodies_under_the_new_key(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new MessagingServices(database, clock);
        var casey = await ClientAsync(database, "casey@example.test");
        await services.Messages.SendAsync(Client(casey), casey, "Before the rotation");
        var removed = (await services.Messages.SendAsync(Client(casey), casey, "Removed")).MessageId!.Value;
        await services.Messages.RemoveAsync(Client(casey), removed);

        var next = new MessageProtector(Options.Create(new SsnProtectionOptions
        {
            Keys = { ["k1"] = MessagingServices.Key, ["k2"] = MasterKeys.NewKey() },
            ActiveKeyId = "k2",
        }));
        var result = await new MessageRotationService(database.Factory, next).RotateAsync(batchSize: 1);
        Assert.Equal(new MessageRotationResult(1, 0, 0), result);

        await using var db = await database.Factory.CreateDbContextAsync();
        var row = await db.Messages.SingleAsync(m => m.Body != null);
        Assert.StartsWith("m1:k2:", row.Body, StringComparison.Ordinal);
        Assert.Equal("Before the rotation", next.Unprotect(row.ConversationId, row.Id, row.Body!));
        Assert.Equal(new MessageRotationResult(0, 0, 0), await new MessageRotationService(database.Factory, next).RotateAsync());
    }
}
