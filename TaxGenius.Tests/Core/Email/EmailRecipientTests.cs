using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Email;

/// <summary>Who an account's e-mails go to: active accounts with an address, greeted by first name or "there".</summary>
public sealed class EmailRecipientTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Active_accounts_are_greeted_by_first_name_or_there_and_deactivated_ones_get_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test", "Casey", "Client");
        var blank = await TestUsers.CreateAsync(database, "blank@example.test", " ", "Client");
        var noProfile = await TestUsers.CreateAsync(database, "noprofile@example.test");
        var gone = await TestUsers.CreateAsync(database, "gone@example.test", "Gone", "Client");
        await using var db = await database.Factory.CreateDbContextAsync();
        await db.Users.Where(u => u.Id == gone).ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, DateTime.UtcNow));

        Assert.Equal(new EmailRecipient("casey@example.test", "Casey"), await EmailRecipient.FindAsync(db, casey, CancellationToken.None));
        Assert.Equal(new EmailRecipient("blank@example.test", "there"), await EmailRecipient.FindAsync(db, blank, CancellationToken.None));
        Assert.Equal(new EmailRecipient("noprofile@example.test", "there"), await EmailRecipient.FindAsync(db, noProfile, CancellationToken.None));
        Assert.Null(await EmailRecipient.FindAsync(db, gone, CancellationToken.None));
        Assert.Null(await EmailRecipient.FindAsync(db, Guid.NewGuid(), CancellationToken.None));
    }
}
