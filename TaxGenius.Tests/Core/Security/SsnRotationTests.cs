using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using TaxGenius.Core.Data;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Security;

public sealed class SsnRotationTests
{
    private static readonly string OldKey = MasterKeys.NewKey();
    private static readonly string NewKey = MasterKeys.NewKey();
    private static readonly SsnProtector Before = SsnProtectorTests.Protector("2025", ("2025", OldKey));
    private static readonly SsnProtector After = SsnProtectorTests.Protector("2026", ("2025", OldKey), ("2026", NewKey));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Re_encrypts_every_row_under_the_active_key_in_batches(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ssns = new Dictionary<Guid, string>();
        for (var i = 1; i <= 7; i++)
        {
            var ssn = $"123-45-{i:0000}";
            var id = await SsnStorageTests.AddUserAsync(database);
            await SetRawAsync(database, id, (i == 7 ? After : Before).Protect(id, ssn));
            ssns[id] = ssn;
        }

        var withoutSsn = await SsnStorageTests.AddUserAsync(database);

        var result = await new SsnRotationService(database.Factory, After, NullLogger<SsnRotationService>.Instance).RotateAsync(batchSize: 2);

        Assert.Equal(new SsnRotationResult(Rotated: 6, Conflicts: 0, Failed: 0, Passes: 1), result);
        foreach (var (id, ssn) in ssns)
        {
            var stored = await SsnStorageTests.RawColumnAsync(database, id);
            Assert.StartsWith("v1:2026:", stored, StringComparison.Ordinal);
            Assert.Equal(ssn, After.Unprotect(id, stored!));
        }

        Assert.Null(await SsnStorageTests.RawColumnAsync(database, withoutSsn));

        // A second run finds nothing left to do.
        Assert.Equal(0, (await new SsnRotationService(database.Factory, After, NullLogger<SsnRotationService>.Instance).RotateAsync()).Rotated);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_row_changed_while_rotating_is_not_clobbered_and_is_rotated_in_the_next_pass(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var busy = await SsnStorageTests.AddUserAsync(database);
        var quiet = await SsnStorageTests.AddUserAsync(database);
        await SetRawAsync(database, busy, Before.Protect(busy, "123-45-0001"));
        await SetRawAsync(database, quiet, Before.Protect(quiet, "123-45-0002"));

        // The client saves a new SSN (from an instance still on the old key) between the rotation's read and its write.
        var changed = false;
        var rotation = new SsnRotationService(database.Factory, After, NullLogger<SsnRotationService>.Instance)
        {
            BeforeUpdate = async (id, _) =>
            {
                if (id == busy && !changed)
                {
                    changed = true;
                    await SetRawAsync(database, busy, Before.Protect(busy, "456-78-4321"));
                }
            },
        };

        var result = await rotation.RotateAsync();

        Assert.True(changed);
        Assert.Equal(new SsnRotationResult(Rotated: 2, Conflicts: 0, Failed: 0, Passes: 2), result);
        var stored = await SsnStorageTests.RawColumnAsync(database, busy);
        Assert.StartsWith("v1:2026:", stored, StringComparison.Ordinal);
        Assert.Equal("456-78-4321", After.Unprotect(busy, stored!)); // the client's new number, not the one read before
        Assert.Equal("123-45-0002", After.Unprotect(quiet, (await SsnStorageTests.RawColumnAsync(database, quiet))!));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rows_under_a_key_no_longer_configured_are_counted_and_left_alone(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var orphan = await SsnStorageTests.AddUserAsync(database);
        var lost = SsnProtectorTests.Protector("gone", ("gone", MasterKeys.NewKey())).Protect(orphan, "123-45-0003");
        await SetRawAsync(database, orphan, lost);

        var result = await new SsnRotationService(database.Factory, After, NullLogger<SsnRotationService>.Instance).RotateAsync();

        Assert.Equal(new SsnRotationResult(Rotated: 0, Conflicts: 0, Failed: 1, Passes: 1), result);
        Assert.Equal(lost, await SsnStorageTests.RawColumnAsync(database, orphan));
    }

    private static async Task SetRawAsync(TestDatabase database, Guid userId, string envelope)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SsnEncrypted, envelope));
    }
}
