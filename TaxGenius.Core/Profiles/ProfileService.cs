using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Profiles;

/// <summary>The outcome of saving a profile: per-field messages (keyed by <see cref="ProfileInput"/> property), or none.</summary>
public sealed record ProfileSaveResult(IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// The signed-in client's own profile. Every method takes the caller's user id (from the authentication state, never from
/// the page's input) and reads or writes only the profile of that user.
/// </summary>
public sealed class ProfileService(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    /// <summary>The profile as the form edits it, or null when the user has none yet.</summary>
    public async Task<ProfileInput?> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var profile = await db.Profiles.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        return profile is null ? null : ProfileInput.From(profile);
    }

    /// <summary>Creates or updates the user's one profile with the normalized input; nothing is written when a field is invalid.</summary>
    public async Task<ProfileSaveResult> SaveAsync(Guid userId, ProfileInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = input.Validate();
        if (errors.Count > 0)
        {
            return new(errors);
        }

        var value = input.Normalize();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var profile = await db.Profiles.SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile is null)
        {
            profile = new Profile { UserId = userId, FirstName = value.FirstName!, LastName = value.LastName! };
            db.Profiles.Add(profile);
        }

        profile.FirstName = value.FirstName!;
        profile.LastName = value.LastName!;
        profile.Phone = value.Phone;
        profile.Street = value.Street;
        profile.City = value.City;
        profile.State = value.State;
        profile.Zip = value.Zip;
        await db.SaveChangesAsync(cancellationToken);
        return new(new Dictionary<string, string>());
    }
}
