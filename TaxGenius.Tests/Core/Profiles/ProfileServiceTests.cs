using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Profiles;
using TaxGenius.Tests.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Profiles;

public sealed class ProfileServiceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Creates_then_updates_the_one_profile_with_normalized_values(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new ProfileService(database.Factory);
        var user = await SsnStorageTests.AddUserAsync(database);
        Assert.Null(await service.GetAsync(user));

        var input = ProfileInputTests.Valid();
        input.Phone = "+1 512.555.0100";
        input.Zip = "787011234";
        input.State = "tx";
        Assert.True((await service.SaveAsync(user, input)).Succeeded);

        input.City = "Round Rock";
        Assert.True((await service.SaveAsync(user, input)).Succeeded);

        await using var db = await database.Factory.CreateDbContextAsync();
        var stored = Assert.Single(await db.Profiles.AsNoTracking().Where(p => p.UserId == user).ToListAsync());
        Assert.Equal(("+15125550100", "78701-1234", "TX", "Round Rock"), (stored.Phone, stored.Zip, stored.State, stored.City));

        var read = await service.GetAsync(user);
        Assert.Equal("(512) 555-0100", read!.Phone);
        Assert.Empty(read.Validate()); // what the form loads saves again unchanged
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invalid_input_writes_nothing_and_returns_field_messages(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new ProfileService(database.Factory);
        var user = await SsnStorageTests.AddUserAsync(database);

        var input = ProfileInputTests.Valid();
        input.Phone = "555-0100";
        input.Zip = "1234";
        var result = await service.SaveAsync(user, input);

        Assert.False(result.Succeeded);
        Assert.Equal([nameof(ProfileInput.Phone), nameof(ProfileInput.Zip)], result.Errors.Keys.Order());
        Assert.Null(await service.GetAsync(user));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Saving_as_one_user_never_touches_another_users_profile(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new ProfileService(database.Factory);
        var alice = await SsnStorageTests.AddUserAsync(database);
        var bob = await SsnStorageTests.AddUserAsync(database);
        var carol = await SsnStorageTests.AddUserAsync(database);

        var bobs = ProfileInputTests.Valid();
        bobs.FirstName = "Bob";
        bobs.Street = "2 Bob Lane";
        await service.SaveAsync(bob, bobs);

        var alices = ProfileInputTests.Valid();
        alices.FirstName = "Alice";
        alices.Street = "9 Alice Road";
        await service.SaveAsync(alice, alices);
        alices.City = "Dallas";
        await service.SaveAsync(alice, alices);

        var bobRead = (await service.GetAsync(bob))!;
        Assert.Equal(("Bob", "2 Bob Lane", "Austin"), (bobRead.FirstName, bobRead.Street, bobRead.City));
        var aliceRead = (await service.GetAsync(alice))!;
        Assert.Equal(("Alice", "9 Alice Road", "Dallas"), (aliceRead.FirstName, aliceRead.Street, aliceRead.City));
        Assert.Null(await service.GetAsync(carol)); // no profile: never someone else's

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(2, await db.Profiles.CountAsync());
    }
}
