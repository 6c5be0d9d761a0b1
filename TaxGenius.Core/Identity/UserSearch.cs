using System.Linq.Expressions;

namespace TaxGenius.Core.Identity;

/// <summary>Finding people by what staff type: part of the e-mail, or of "first last" name; case-insensitive on every provider.</summary>
public static class UserSearch
{
    /// <summary>
    /// Matches <paramref name="search"/> (already normalized, see <see cref="Common.SearchText"/>). Identity keeps the e-mail upper-cased
    /// in NormalizedEmail; the name is upper-cased in the query (UPPER + LIKE / instr on both providers).
    /// </summary>
    public static Expression<Func<ApplicationUser, bool>> Matches(string search)
    {
        var term = search.ToUpperInvariant();
        return u => u.NormalizedEmail!.Contains(term)
            || (u.Profile != null && (u.Profile.FirstName + " " + u.Profile.LastName).ToUpper().Contains(term));
    }
}
