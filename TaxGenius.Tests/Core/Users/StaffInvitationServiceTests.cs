using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Users;

/// <summary>Staff invitations (StaffInvitationService), on both providers.</summary>
public sealed partial class StaffInvitationServiceTests : UserServiceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_invitation_link_works_once_and_expires_after_seven_days(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");

        Assert.False((await invitations.InviteAsync(avery, "casey@example.test", Roles.Client)).Succeeded);
        Assert.False((await invitations.InviteAsync(avery, "not an address", Roles.Preparer)).Succeeded);
        Assert.False((await invitations.InviteAsync(avery, "avery@example.test", Roles.Preparer)).Succeeded);

        Assert.True((await invitations.InviteAsync(avery, "pat@example.test", Roles.Preparer)).Succeeded);
        var token = await InvitationTokenAsync(app, "pat@example.test");
        var view = await invitations.FindInvitationAsync(token);
        Assert.Equal(("pat@example.test", Roles.Preparer), (view!.Email, view.Role));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime.AddDays(7), view.ExpiresAt, TimeSpan.FromMilliseconds(1));

        // A refused password does not use the link up.
        Assert.False((await invitations.AcceptInvitationAsync(token, "short")).Succeeded);
        var accepted = await invitations.AcceptInvitationAsync(token, "a long enough password");
        Assert.True(accepted.Succeeded, string.Join(" ", accepted.Errors));
        Assert.Equal(Roles.Preparer, accepted.Role);
        var again = await invitations.AcceptInvitationAsync(token, "another long password");
        Assert.Equal([StaffInvitationService.InvalidInvitationMessage], again.Errors);
        Assert.Null(await invitations.FindInvitationAsync(token));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var pat = (await users.FindByEmailAsync("pat@example.test"))!;
            Assert.True(pat.EmailConfirmed);
            Assert.True(await users.CheckPasswordAsync(pat, "a long enough password"));
            Assert.Equal([Roles.Preparer], await users.GetRolesAsync(pat));
        }

        // Seven days later to the second, a link no longer works; a moment before, it does.
        Assert.True((await invitations.InviteAsync(avery, "rory@example.test", Roles.Referrer)).Succeeded);
        var expiring = await InvitationTokenAsync(app, "rory@example.test");
        Assert.True((await invitations.InviteAsync(avery, "ada@example.test", Roles.Admin)).Succeeded);
        var lasting = await InvitationTokenAsync(app, "ada@example.test");
        Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await invitations.FindInvitationAsync(expiring));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await invitations.FindInvitationAsync(expiring));
        Assert.Equal([StaffInvitationService.InvalidInvitationMessage], (await invitations.AcceptInvitationAsync(expiring, "a long enough password")).Errors);
        Assert.Equal([StaffInvitationService.InvalidInvitationMessage], (await invitations.AcceptInvitationAsync(lasting, "a long enough password")).Errors);
        Assert.Equal([StaffInvitationService.InvalidInvitationMessage], (await invitations.AcceptInvitationAsync("made-up-token", "a long enough password")).Errors);

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserInvited && e.ActorId == avery.UserId));
        var acceptance = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserInvitationAccepted);
        Assert.Equal(accepted.UserId, acceptance.ActorId);
        // Only the hash of a token is stored.
        Assert.False(await db.StaffInvitations.AnyAsync(i => i.TokenHash == token));
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "RORY@EXAMPLE.TEST"));
    }

    /// <summary>The token from the invitation e-mail (the only place it exists in clear).</summary>
    internal static async Task<string> InvitationTokenAsync(TaxGeniusAppFactory app, string email)
    {
        var message = await app.WaitForEmailAsync(email);
        var token = TokenPattern().Match(message.TextBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);
        return token;
    }

    [GeneratedRegex(@"AcceptInvitation\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();
}
