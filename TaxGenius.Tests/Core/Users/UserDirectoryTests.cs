using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Users;

/// <summary>The users grid (UserDirectory): keyset pages and filters, on both providers.</summary>
public sealed class UserDirectoryTests : UserServiceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_users_grid_pages_by_keyset_and_filters_by_role_state_and_search(DatabaseProvider provider)
    {
        var (database, app) = await StartAsync(provider);
        await using var _ = database;
        await using var __ = app;
        var admin = app.Services.GetRequiredService<UserLifecycleService>();
        var directory = app.Services.GetRequiredService<UserDirectory>();
        var invitations = app.Services.GetRequiredService<StaffInvitationService>();
        var avery = As(await app.CreateUserAsync("avery@example.test", Roles.Admin), "avery@example.test");
        var ids = new List<Guid> { avery.UserId };
        for (var i = 0; i < 6; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            ids.Add(await app.CreateUserAsync($"client{i}@example.test", Roles.Client));
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
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
        var page = await directory.GetPageAsync(new UserFilter(), pageSize: 3);
        var pages = new List<Page<UserRow>> { page };
        seen.AddRange(page.Rows.Select(r => r.Id));
        while (page.HasNext)
        {
            page = await directory.GetPageAsync(new UserFilter(), after: page.Last, pageSize: 3);
            pages.Add(page);
            seen.AddRange(page.Rows.Select(r => r.Id));
        }

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal(3, pages.Count);
        var back = await directory.GetPageAsync(new UserFilter(), before: pages[2].First, pageSize: 3);
        Assert.Equal(pages[1].Rows.Select(r => r.Id), back.Rows.Select(r => r.Id));

        Assert.Equal([parker], (await directory.GetPageAsync(new UserFilter { Role = Roles.Preparer })).Rows.Select(r => r.Id));
        Assert.Equal([ids[1]], (await directory.GetPageAsync(new UserFilter { State = UserState.Locked })).Rows.Select(r => r.Id));
        Assert.Equal([ids[2]], (await directory.GetPageAsync(new UserFilter { State = UserState.Deactivated })).Rows.Select(r => r.Id));
        Assert.Equal(6, (await directory.GetPageAsync(new UserFilter { State = UserState.Active })).Rows.Count);
        Assert.Equal([ids[3]], (await directory.GetPageAsync(new UserFilter { Search = "  quill " })).Rows.Select(r => r.Id));
        Assert.Equal([ids[4]], (await directory.GetPageAsync(new UserFilter { Search = "CLIENT3@" })).Rows.Select(r => r.Id));
        Assert.Equal("Morgan Quill", (await directory.GetAsync(ids[3]))!.Name);
        Assert.Empty((await directory.GetPageAsync(new UserFilter { Role = Roles.Referrer })).Rows);
    }
}
