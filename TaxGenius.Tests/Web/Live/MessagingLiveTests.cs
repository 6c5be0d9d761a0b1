using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Messaging;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Live;

/// <summary>
/// Messages through the app: the client's hub hears of the firm's messages (never of internal notes), the client's page never shows a
/// note, staff pages do; and a message written on one instance reaches the other's hub through Redis.
/// </summary>
public sealed class MessagingLiveTests : IAsyncLifetime
{
    private TwoInstances apps = default!;

    private TaxGeniusAppFactory A => apps.A;

    private TaxGeniusAppFactory B => apps.B;

    public async Task InitializeAsync() => apps = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await apps.DisposeAsync();

    [Fact]
    public async Task Internal_notes_never_reach_the_client_by_page_or_hub_and_a_message_from_B_reaches_A_within_a_second()
    {
        var casey = await A.UserIdAsync(DemoAccounts.Client);
        var pat = new MessageViewer(new AuditActor(await A.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null), IsStaff: true);
        await using var clientOnA = await LiveListener.ConnectAsync(A, DemoAccounts.Client);
        await using var staffOnA = await LiveListener.ConnectAsync(A, DemoAccounts.Admin);
        var onB = B.Services.GetRequiredService<MessageService>();

        var note = await onB.SendAsync(pat, casey, "NOTE-ONLY-STAFF: client seems unsure about the rental", MessageKind.InternalNote);
        var message = await onB.SendAsync(pat, casey, "Could you upload the rental statements?");
        Assert.True(note.Succeeded && message.Succeeded);

        // The message written on B reaches the client's hub on A (Redis backplane) within the second; the note does not.
        var heard = await clientOnA.WaitForAsync<MessagePosted>(MessageEvents.Posted, p => p.MessageId == message.MessageId, TimeSpan.FromSeconds(1));
        Assert.Equal(MessageKind.Message, heard.Kind);
        await staffOnA.WaitForAsync<MessagePosted>(MessageEvents.Posted, p => p.MessageId == note.MessageId, TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        clientOnA.Names();
        await Assert.ThrowsAsync<TimeoutException>(() =>
            clientOnA.WaitForAsync<MessagePosted>(MessageEvents.Posted, p => p.MessageId == note.MessageId, TimeSpan.FromMilliseconds(200)));

        using var client = await A.SignInAsync(DemoAccounts.Client);
        var clientPage = await client.GetStringAsync("/client/messages");
        Assert.Contains("Could you upload the rental statements?", clientPage, StringComparison.Ordinal);
        Assert.DoesNotContain("NOTE-ONLY-STAFF", clientPage, StringComparison.Ordinal);

        using var preparer = await B.SignInAsync(DemoAccounts.Preparer);
        var staffPage = await preparer.GetStringAsync($"/preparer/inbox/{casey}");
        Assert.Contains("NOTE-ONLY-STAFF", staffPage, StringComparison.Ordinal);
        Assert.Contains("Internal note: only staff see this", staffPage, StringComparison.Ordinal);

        // Staff see the client's returns beside their name, newest year first, each a link to its page; the client's page has none.
        var returns = await A.Services.GetRequiredService<EngagementService>().ReturnsOfClientAsync(casey);
        Assert.NotEmpty(returns);
        Assert.Equal(returns.Select(r => r.TaxYear).OrderDescending(), returns.Select(r => r.TaxYear));
        Assert.All(returns, r => Assert.Contains($"href=\"preparer/engagements/{r.Id}\"", staffPage, StringComparison.Ordinal));
        Assert.DoesNotContain("preparer/engagements/", clientPage, StringComparison.Ordinal);
    }
}
