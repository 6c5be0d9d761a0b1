using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>Users written straight into a test database (no role, no password): owners, clients and actors for service tests.</summary>
public static class TestUsers
{
    /// <summary>Adds a user with <paramref name="email"/> (and a profile when a name is given); returns the id.</summary>
    public static async Task<Guid> CreateAsync(TestDatabase database, string email, string? firstName = null, string? lastName = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var db = await database.Factory.CreateDbContextAsync();
        var user = new ApplicationUser
        {
            UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(),
            Profile = firstName is null ? null : new Profile { FirstName = firstName, LastName = lastName ?? "" },
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }
}
