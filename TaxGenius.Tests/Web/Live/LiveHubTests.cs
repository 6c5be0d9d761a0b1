using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Live;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Live;

/// <summary>
/// The live hub: signed-in users only, each connection in its own user's group (staff in the staff group too), and no way to follow
/// a group the user may not see. Events reach the user they are about, and nobody else.
/// </summary>
public sealed class LiveHubTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    [Fact]
    public async Task A_signed_out_browser_cannot_open_the_hub()
    {
        using var negotiate = await app.Factory.CreateClient(new() { AllowAutoRedirect = false })
            .PostAsync(LiveHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => LiveListener.ConnectWithCookieAsync(app.Factory, ""));
    }

    [Fact]
    public async Task A_client_cannot_follow_another_users_group_the_staff_group_or_another_conversation()
    {
        var casey = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var other = await OtherClientAsync();
        await using var client = await LiveListener.ConnectAsync(app.Factory, DemoAccounts.Client);

        foreach (var group in new[] { LiveGroups.User(other), LiveGroups.Staff, LiveGroups.Conversation(other), "anything" })
        {
            var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => client.Connection.InvokeAsync("Follow", group));
            Assert.Contains("cannot follow", refused.Message, StringComparison.Ordinal);
        }

        // Their own conversation is theirs to follow.
        await client.Connection.InvokeAsync("Follow", LiveGroups.Conversation(casey));
    }

    [Fact]
    public async Task Staff_follow_any_clients_conversation_but_not_another_users_own_group()
    {
        var casey = await app.Factory.UserIdAsync(DemoAccounts.Client);
        await using var preparer = await LiveListener.ConnectAsync(app.Factory, DemoAccounts.Preparer);

        await preparer.Connection.InvokeAsync("Follow", LiveGroups.Conversation(casey));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => preparer.Connection.InvokeAsync("Follow", LiveGroups.User(casey)));
    }

    [Fact]
    public async Task A_documents_status_reaches_its_owner_only_and_an_engagement_change_reaches_staff_and_its_client()
    {
        var casey = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var strangerEmail = $"stranger-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(strangerEmail, Roles.Client);
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.FirstAsync(d => d.UserId == casey && d.Status == DocumentStatus.Pending);
        var engagementId = await db.RequestItems.Where(i => i.Engagement!.ClientId == casey).Select(i => i.EngagementId).FirstAsync();

        await using var owner = await LiveListener.ConnectAsync(app.Factory, DemoAccounts.Client);
        await using var preparer = await LiveListener.ConnectAsync(app.Factory, DemoAccounts.Preparer);
        await using var stranger = await LiveListener.ConnectAsync(app.Factory, strangerEmail);

        Assert.True((await app.Factory.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(document.Id, DocumentStatus.Processing, null, actorIsAdmin: false)).Succeeded);
        await owner.WaitForAsync<DocumentStatusChanged>(LiveEventNames.Document, c => c.DocumentId == document.Id, TimeSpan.FromSeconds(5));

        // A checklist change on Casey's engagement: the boards (staff) and Casey's own pages hear of it.
        await using (var edit = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            var item = await edit.RequestItems.FirstAsync(i => i.EngagementId == engagementId);
            item.UpdatedAt = DateTime.UtcNow;
            await edit.SaveChangesAsync();
        }

        await preparer.WaitForAsync<EngagementChanged>(LiveEventNames.Engagement, c => c.EngagementId == engagementId && c.ClientId == casey, TimeSpan.FromSeconds(5));
        await owner.WaitForAsync<EngagementChanged>(LiveEventNames.Engagement, c => c.EngagementId == engagementId, TimeSpan.FromSeconds(5));

        // The other client heard nothing about Casey.
        await Task.Delay(Quiet);
        Assert.Empty(stranger.Names());
    }

    [Fact]
    public async Task A_tab_connecting_after_its_page_loaded_learns_whether_its_own_groups_were_sent_anything_meanwhile()
    {
        // Two fresh clients and the demo preparer, each connected as a tab whose page loaded a moment ago.
        var firstEmail = $"first-{Guid.NewGuid():N}@example.test";
        var first = await app.Factory.CreateUserAsync(firstEmail, Roles.Client);
        var secondEmail = $"second-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(secondEmail, Roles.Client);
        await using var firstTab = await LiveListener.ConnectAsync(app.Factory, firstEmail);
        await using var secondTab = await LiveListener.ConnectAsync(app.Factory, secondEmail);
        await using var preparerTab = await LiveListener.ConnectAsync(app.Factory, DemoAccounts.Preparer);
        var channel = app.Factory.Services.GetRequiredService<LiveChannel>();
        var loaded = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // An event for the first client: their tab catches up; the other client's does not, nor would a page loaded later on.
        await channel.SendToUserAsync(first, LiveEventNames.Document, new { });
        Assert.True(await firstTab.Connection.InvokeAsync<bool>("ChangedSince", loaded));
        Assert.False(await secondTab.Connection.InvokeAsync<bool>("ChangedSince", loaded));
        var later = DateTimeOffset.UtcNow.Add(LiveActivity.ClockSkew).AddSeconds(1).ToUnixTimeMilliseconds();
        Assert.False(await firstTab.Connection.InvokeAsync<bool>("ChangedSince", later));

        // An event for the staff (a board change): staff tabs catch up, clients' do not; a nonsense time is answered, not an error.
        var staffLoaded = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await channel.SendToStaffAsync(LiveEventNames.Engagement, new { });
        Assert.True(await preparerTab.Connection.InvokeAsync<bool>("ChangedSince", staffLoaded));
        Assert.False(await secondTab.Connection.InvokeAsync<bool>("ChangedSince", staffLoaded));
        Assert.True(await preparerTab.Connection.InvokeAsync<bool>("ChangedSince", long.MinValue));
        Assert.False(await preparerTab.Connection.InvokeAsync<bool>("ChangedSince", long.MaxValue));
    }

    /// <summary>Another client, with an account of their own.</summary>
    private Task<Guid> OtherClientAsync() =>
        app.Factory.CreateUserAsync($"other-{Guid.NewGuid():N}@example.test", Roles.Client);
}
