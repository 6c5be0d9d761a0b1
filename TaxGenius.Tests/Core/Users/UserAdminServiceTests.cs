using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;
using TaxGenius.Core.Storage;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Users;

/// <summary>The administrators' user management through the app's own services, on both providers.</summary>
public sealed partial class UserAdminServiceTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    private async Task<(TestDatabase Database, TaxGeniusAppFactory App)> StartAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var app = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database, extra: new Dictionary<string, string?> { ["Demo:Enabled"] = "false" },
            configureServices: s => s.AddSingleton<TimeProvider>(clock));
        app.StartServer();
        return (database, app);
    }

    private static AuditActor As(Guid id, string email) => new(id, email, "127.0.0.1", IsAdmin: true);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_active_administrator_can_be_neither_demoted_nor_locked_deactivated_or_deleted(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var avery = await app.CreateUserAsync("avery@example.test", Roles.Admin);
        var asAvery = As(avery, "avery@example.test");
        var someoneElse = As(Guid.CreateVersion7(), "script@example.test");

        Assert.Equal(UserAdminService.LastAdminMessage, (await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer)).Error);
        // Nobody but an active administrator acts at all (an actor the database does not know as one is refused first).
        Assert.Equal(ActorChecks.NoLongerAllowed, (await admin.ChangeRoleAsync(someoneElse, avery, Roles.Client)).Error);
        Assert.Equal(ActorChecks.NoLongerAllowed, (await admin.LockAsync(someoneElse, avery)).Error);
        Assert.Equal(ActorChecks.NoLongerAllowed, (await admin.DeactivateAsync(someoneElse, avery)).Error);
        Assert.Equal(ActorChecks.NoLongerAllowed, (await admin.DeleteAsync(someoneElse, avery)).Error);
        Assert.False((await admin.LockAsync(asAvery, avery)).Succeeded);
        Assert.False((await admin.DeactivateAsync(asAvery, avery)).Succeeded);
        Assert.False((await admin.DeleteAsync(asAvery, avery)).Succeeded);

        // A second administrator, locked, does not count: the firm needs one who can sign in.
        var blake = await app.CreateUserAsync("blake@example.test", Roles.Admin);
        Assert.True((await admin.LockAsync(asAvery, blake)).Succeeded);
        Assert.Equal(UserAdminService.LastAdminMessage, (await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer)).Error);
        Assert.True((await admin.UnlockAsync(asAvery, blake)).Succeeded);

        // With Blake active, Avery may step down; then Blake is the last one.
        var stepDown = await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer);
        Assert.True(stepDown.Succeeded, stepDown.Error);
        var asBlake = As(blake, "blake@example.test");
        Assert.Equal(UserAdminService.LastAdminMessage, (await admin.ChangeRoleAsync(asBlake, blake, Roles.Referrer)).Error);
        Assert.Equal(Roles.Preparer, (await admin.GetAsync(avery))!.Role);
        Assert.Equal(Roles.Admin, (await admin.GetAsync(blake))!.Role);

        await using var db = await database.Factory.CreateDbContextAsync();
        var changed = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.UserRoleChanged).ToListAsync());
        Assert.Equal((avery, avery, "user"), (changed.ActorId!.Value, changed.SubjectId!.Value, changed.SubjectType));
        Assert.Contains("ADMIN -> PREPARER", changed.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserLocked && e.SubjectId == blake));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserUnlocked && e.SubjectId == blake));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_client_removes_the_profile_the_documents_and_the_stored_files(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        var store = app.Services.GetRequiredService<EncryptedFileStore>();
        var status = app.Services.GetRequiredService<DocumentStatusService>();
        var avery = await app.CreateUserAsync("avery@example.test", Roles.Admin);
        var parker = await app.CreateUserAsync("parker@example.test", Roles.Preparer);
        var casey = await app.CreateUserAsync("casey@example.test", Roles.Client);
        var dana = await app.CreateUserAsync("dana@example.test", Roles.Client);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Profiles.Add(new Profile { UserId = casey, FirstName = "Casey", LastName = "Client" });
            await db.SaveChangesAsync();
        }

        var w2 = await documents.UploadAsync(casey, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SampleFiles.Pdf()));
        var id = await documents.UploadAsync(casey, new UploadRequest("id.png", DocumentType.Id, 2025), new MemoryStream(SampleFiles.Png()));
        var danas = await documents.UploadAsync(dana, new UploadRequest("1099.pdf", DocumentType.Form1099, 2025), new MemoryStream(SampleFiles.Pdf()));
        Assert.True(w2.Succeeded && id.Succeeded && danas.Succeeded);
        var asParker = new AuditActor(parker, "parker@example.test", null);
        Assert.True((await status.ClaimAsync(asParker, w2.Document!.Id)).Succeeded);
        Assert.True((await status.ClaimAsync(asParker, danas.Document!.Id)).Succeeded);

        string[] caseysKeys;
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            caseysKeys = [.. await db.Documents.Where(d => d.UserId == casey).Select(d => d.StorageKey).ToListAsync()];
        }

        Assert.Equal(2, caseysKeys.Length);
        Assert.All(caseysKeys, key => Assert.True(store.Exists(key)));

        var deleted = await admin.DeleteAsync(As(avery, "avery@example.test"), casey);
        Assert.True(deleted.Succeeded, deleted.Error);

        Assert.All(caseysKeys, key => Assert.False(store.Exists(key)));
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.False(await db.Users.AnyAsync(u => u.Id == casey));
            Assert.False(await db.Profiles.AnyAsync(p => p.UserId == casey));
            Assert.False(await db.Documents.AnyAsync(d => d.UserId == casey));
            Assert.False(await db.DocumentStatusChanges.AnyAsync(c => c.DocumentId == w2.Document!.Id));
            Assert.False(await db.UserRoles.AnyAsync(r => r.UserId == casey));
            var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.UserDeleted).ToListAsync());
            Assert.Equal((casey, casey, avery), (entry.SubjectId!.Value, entry.SubjectUserId!.Value, entry.ActorId!.Value));
            Assert.Contains("casey@example.test (CLIENT)", entry.Detail, StringComparison.Ordinal);
            Assert.Contains("2 document(s) deleted", entry.Detail, StringComparison.Ordinal);
        }

        // Dana's document and file are untouched. Deleting the preparer puts the document he claimed back unassigned.
        var parkerDeleted = await admin.DeleteAsync(As(avery, "avery@example.test"), parker);
        Assert.True(parkerDeleted.Succeeded, parkerDeleted.Error);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var kept = await db.Documents.SingleAsync(d => d.Id == danas.Document!.Id);
            Assert.Null(kept.AssignedToId);
            Assert.True(store.Exists(kept.StorageKey));
            Assert.Contains("1 document(s) unassigned", (await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserDeleted && e.SubjectId == parker)).Detail,
                StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_referrer_with_referrals_is_deactivated_rather_than_deleted(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");
        var riley = await app.CreateUserAsync("riley@example.test", Roles.Referrer);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Referrals.Add(new Referral { ReferrerId = riley, ClientEmail = "friend@example.test", Status = ReferralStatus.Converted, Commission = 50m });
            await db.SaveChangesAsync();
        }

        var refused = await admin.DeleteAsync(avery, riley);
        Assert.False(refused.Succeeded);
        Assert.Contains("deactivate", refused.Error, StringComparison.Ordinal);

        Assert.True((await admin.DeactivateAsync(avery, riley)).Succeeded);
        Assert.Equal(UserState.Deactivated, (await admin.GetAsync(riley))!.State);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(riley.ToString()))!));
        }

        Assert.True((await admin.ReactivateAsync(avery, riley)).Succeeded);
        Assert.Equal(UserState.Active, (await admin.GetAsync(riley))!.State);
        await using var check = await database.Factory.CreateDbContextAsync();
        Assert.Equal([AuditActions.UserDeactivated, AuditActions.UserReactivated],
            await check.AuditEntries.Where(e => e.SubjectId == riley).OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_invitation_link_works_once_and_expires_after_seven_days(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");

        Assert.False((await admin.InviteAsync(avery, "casey@example.test", Roles.Client)).Succeeded);
        Assert.False((await admin.InviteAsync(avery, "not an address", Roles.Preparer)).Succeeded);
        Assert.False((await admin.InviteAsync(avery, "avery@example.test", Roles.Preparer)).Succeeded);

        Assert.True((await admin.InviteAsync(avery, "pat@example.test", Roles.Preparer)).Succeeded);
        var token = await InvitationTokenAsync(app, "pat@example.test");
        var view = await admin.FindInvitationAsync(token);
        Assert.Equal(("pat@example.test", Roles.Preparer), (view!.Email, view.Role));
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddDays(7), view.ExpiresAt, TimeSpan.FromMilliseconds(1));

        // A refused password does not use the link up.
        Assert.False((await admin.AcceptInvitationAsync(token, "short")).Succeeded);
        var accepted = await admin.AcceptInvitationAsync(token, "a long enough password");
        Assert.True(accepted.Succeeded, string.Join(" ", accepted.Errors));
        Assert.Equal(Roles.Preparer, accepted.Role);
        var again = await admin.AcceptInvitationAsync(token, "another long password");
        Assert.Equal([UserAdminService.InvalidInvitationMessage], again.Errors);
        Assert.Null(await admin.FindInvitationAsync(token));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var pat = (await users.FindByEmailAsync("pat@example.test"))!;
            Assert.True(pat.EmailConfirmed);
            Assert.True(await users.CheckPasswordAsync(pat, "a long enough password"));
            Assert.Equal([Roles.Preparer], await users.GetRolesAsync(pat));
        }

        // Seven days later to the second, a link no longer works; a moment before, it does.
        Assert.True((await admin.InviteAsync(avery, "rory@example.test", Roles.Referrer)).Succeeded);
        var expiring = await InvitationTokenAsync(app, "rory@example.test");
        Assert.True((await admin.InviteAsync(avery, "ada@example.test", Roles.Admin)).Succeeded);
        var lasting = await InvitationTokenAsync(app, "ada@example.test");
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await admin.FindInvitationAsync(expiring));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await admin.FindInvitationAsync(expiring));
        Assert.Equal([UserAdminService.InvalidInvitationMessage], (await admin.AcceptInvitationAsync(expiring, "a long enough password")).Errors);
        Assert.Equal([UserAdminService.InvalidInvitationMessage], (await admin.AcceptInvitationAsync(lasting, "a long enough password")).Errors);
        Assert.Equal([UserAdminService.InvalidInvitationMessage], (await admin.AcceptInvitationAsync("made-up-token", "a long enough password")).Errors);

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserInvited && e.ActorId == avery.UserId));
        var acceptance = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserInvitationAccepted);
        Assert.Equal(accepted.UserId, acceptance.ActorId);
        // Only the hash of a token is stored.
        Assert.False(await db.StaffInvitations.AnyAsync(i => i.TokenHash == token));
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "RORY@EXAMPLE.TEST"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Locks_resets_and_confirmations_change_the_account_and_are_audited(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");
        var parker = await app.CreateUserAsync("parker@example.test", Roles.Preparer);
        Guid unconfirmed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = "new@example.test", Email = "new@example.test" };
            Assert.True((await users.CreateAsync(user, "a long enough password")).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Client)).Succeeded);
            unconfirmed = user.Id;
        }

        var stampBefore = await StampAsync(database, parker);
        Assert.True((await admin.LockAsync(avery, parker)).Succeeded);
        Assert.NotEqual(stampBefore, await StampAsync(database, parker));
        Assert.Equal(UserState.Locked, (await admin.GetAsync(parker))!.State);
        Assert.False((await admin.LockAsync(avery, parker)).Succeeded);
        Assert.True((await admin.UnlockAsync(avery, parker)).Succeeded);
        Assert.Equal(UserState.Active, (await admin.GetAsync(parker))!.State);

        var stampUnlocked = await StampAsync(database, parker);
        Assert.True((await admin.ForcePasswordResetAsync(avery, parker)).Succeeded);
        Assert.NotEqual(stampUnlocked, await StampAsync(database, parker));
        Assert.False((await admin.GetAsync(parker))!.HasPassword);

        Assert.False((await admin.ResendConfirmationAsync(avery, parker)).Succeeded);
        Assert.True((await admin.ResendConfirmationAsync(avery, unconfirmed)).Succeeded);
        Assert.Equal(UserState.Unconfirmed, (await admin.GetAsync(unconfirmed))!.State);

        await using var db = await database.Factory.CreateDbContextAsync();
        var mail = await db.QueuedEmails.Where(m => m.To == "parker@example.test").Select(m => new { m.Template, m.HighPriority }).SingleAsync();
        Assert.Equal(("password-reset-required", true), (mail.Template, mail.HighPriority));
        Assert.Contains("/Account/ResetPassword?code=", (await app.WaitForEmailAsync("parker@example.test")).TextBody, StringComparison.Ordinal);
        Assert.Equal("confirm-email", await db.QueuedEmails.Where(m => m.To == "new@example.test").Select(m => m.Template).SingleAsync());
        Assert.Equal(
            [AuditActions.UserLocked, AuditActions.UserUnlocked, AuditActions.UserPasswordResetForced],
            await db.AuditEntries.Where(e => e.SubjectId == parker).OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.SubjectId == unconfirmed && e.Action == AuditActions.UserConfirmationResent));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_users_grid_pages_by_keyset_and_filters_by_role_state_and_search(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");
        var ids = new List<Guid> { avery.UserId };
        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            ids.Add(await app.CreateUserAsync($"client{i}@example.test", Roles.Client));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        var parker = await app.CreateUserAsync("parker@example.test", Roles.Preparer);
        ids.Add(parker);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Profiles.Add(new Profile { UserId = ids[3], FirstName = "Morgan", LastName = "Quill" });
            await db.SaveChangesAsync();
        }

        Assert.True((await admin.LockAsync(avery, ids[1])).Succeeded);
        Assert.True((await admin.DeactivateAsync(avery, ids[2])).Succeeded);

        // Every page in turn, newest first: each account once, in order.
        var seen = new List<Guid>();
        var page = await admin.GetPageAsync(new UserFilter(), pageSize: 3);
        var pages = new List<UserPage> { page };
        seen.AddRange(page.Rows.Select(r => r.Id));
        while (page.HasNext)
        {
            page = await admin.GetPageAsync(new UserFilter(), after: page.Last, pageSize: 3);
            pages.Add(page);
            seen.AddRange(page.Rows.Select(r => r.Id));
        }

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal(3, pages.Count);
        var back = await admin.GetPageAsync(new UserFilter(), before: pages[2].First, pageSize: 3);
        Assert.Equal(pages[1].Rows.Select(r => r.Id), back.Rows.Select(r => r.Id));

        Assert.Equal([parker], (await admin.GetPageAsync(new UserFilter { Role = Roles.Preparer })).Rows.Select(r => r.Id));
        Assert.Equal([ids[1]], (await admin.GetPageAsync(new UserFilter { State = UserState.Locked })).Rows.Select(r => r.Id));
        Assert.Equal([ids[2]], (await admin.GetPageAsync(new UserFilter { State = UserState.Deactivated })).Rows.Select(r => r.Id));
        Assert.Equal(6, (await admin.GetPageAsync(new UserFilter { State = UserState.Active })).Rows.Count);
        Assert.Equal([ids[3]], (await admin.GetPageAsync(new UserFilter { Search = "  quill " })).Rows.Select(r => r.Id));
        Assert.Equal([ids[4]], (await admin.GetPageAsync(new UserFilter { Search = "CLIENT3@" })).Rows.Select(r => r.Id));
        Assert.Equal("Morgan Quill", (await admin.GetAsync(ids[3]))!.Name);
        Assert.Empty((await admin.GetPageAsync(new UserFilter { Role = Roles.Referrer })).Rows);
    }

    private static async Task<string?> StampAsync(TestDatabase database, Guid userId)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync();
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
