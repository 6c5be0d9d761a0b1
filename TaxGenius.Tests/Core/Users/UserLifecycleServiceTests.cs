using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>Administrators' actions on accounts (UserLifecycleService), on both providers.</summary>
public sealed class UserLifecycleServiceTests : UserServiceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_active_administrator_can_be_neither_demoted_nor_locked_deactivated_or_deleted(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
        var avery = await app.CreateUserAsync("avery@example.test", Roles.Admin);
        var asAvery = As(avery, "avery@example.test");
        var someoneElse = As(Guid.CreateVersion7(), "script@example.test");

        Assert.Equal(UserLifecycleService.LastAdminMessage, (await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer)).Error);
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
        Assert.Equal(UserLifecycleService.LastAdminMessage, (await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer)).Error);
        Assert.True((await admin.UnlockAsync(asAvery, blake)).Succeeded);

        // With Blake active, Avery may step down; then Blake is the last one.
        var stepDown = await admin.ChangeRoleAsync(asAvery, avery, Roles.Preparer);
        Assert.True(stepDown.Succeeded, stepDown.Error);
        var asBlake = As(blake, "blake@example.test");
        Assert.Equal(UserLifecycleService.LastAdminMessage, (await admin.ChangeRoleAsync(asBlake, blake, Roles.Referrer)).Error);
        Assert.Equal(Roles.Preparer, (await directory.GetAsync(avery))!.Role);
        Assert.Equal(Roles.Admin, (await directory.GetAsync(blake))!.Role);

        await using var db = await database.Factory.CreateDbContextAsync();
        var changed = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.UserRoleChanged).ToListAsync());
        Assert.Equal((avery, avery, "user"), (changed.ActorId!.Value, changed.SubjectId!.Value, changed.SubjectType));
        Assert.Contains("ADMIN -> PREPARER", changed.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserLocked && e.SubjectId == blake));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserUnlocked && e.SubjectId == blake));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_client_removes_the_profile_the_documents_and_the_stored_files(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var files = TestStore.Create(storeKind);
        var (database, app) = await StartAsync(provider, files);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
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
        Assert.Subset(await files.KeysAsync(), caseysKeys.ToHashSet());

        var deleted = await admin.DeleteAsync(As(avery, "avery@example.test"), casey);
        Assert.True(deleted.Succeeded, deleted.Error);

        Assert.Equal([], (await files.KeysAsync()).Intersect(caseysKeys));
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
            Assert.Contains("2 documents deleted", entry.Detail, StringComparison.Ordinal);
        }

        // Dana's document and file are untouched. Deleting the preparer puts the document he claimed back unassigned.
        var parkerDeleted = await admin.DeleteAsync(As(avery, "avery@example.test"), parker);
        Assert.True(parkerDeleted.Succeeded, parkerDeleted.Error);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var kept = await db.Documents.SingleAsync(d => d.Id == danas.Document!.Id);
            Assert.Null(kept.AssignedToId);
            Assert.True(await store.ExistsAsync(kept.StorageKey));
            Assert.Contains("1 document unassigned", (await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.UserDeleted && e.SubjectId == parker)).Detail,
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
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
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
        Assert.Equal(UserState.Deactivated, (await directory.GetAsync(riley))!.State);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(riley.ToString()))!));
        }

        Assert.True((await admin.ReactivateAsync(avery, riley)).Succeeded);
        Assert.Equal(UserState.Active, (await directory.GetAsync(riley))!.State);
        await using var check = await database.Factory.CreateDbContextAsync();
        Assert.Equal([AuditActions.UserDeactivated, AuditActions.UserReactivated],
            await check.AuditEntries.Where(e => e.SubjectId == riley).OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Locks_resets_and_confirmations_change_the_account_and_are_audited(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
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
        Assert.Equal(UserState.Locked, (await directory.GetAsync(parker))!.State);
        Assert.False((await admin.LockAsync(avery, parker)).Succeeded);
        Assert.True((await admin.UnlockAsync(avery, parker)).Succeeded);
        Assert.Equal(UserState.Active, (await directory.GetAsync(parker))!.State);

        var stampUnlocked = await StampAsync(database, parker);
        Assert.True((await admin.ForcePasswordResetAsync(avery, parker)).Succeeded);
        Assert.NotEqual(stampUnlocked, await StampAsync(database, parker));
        Assert.False((await directory.GetAsync(parker))!.HasPassword);

        Assert.False((await admin.ResendConfirmationAsync(avery, parker)).Succeeded);
        Assert.True((await admin.ResendConfirmationAsync(avery, unconfirmed)).Succeeded);
        Assert.Equal(UserState.Unconfirmed, (await directory.GetAsync(unconfirmed))!.State);

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

    private static async Task<string?> StampAsync(TestDatabase database, Guid userId)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync();
    }
}
