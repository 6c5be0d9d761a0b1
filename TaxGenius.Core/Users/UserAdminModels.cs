using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Users;

/// <summary>Where an account stands, as the users grid filters it.</summary>
public enum UserState
{
    /// <summary>Confirmed, not locked by an administrator, not deactivated.</summary>
    Active,

    /// <summary>Locked by an administrator until unlocked (a temporary lockout after failed sign-ins shows on the row, not here).</summary>
    Locked,

    /// <summary>Deactivated: cannot sign in; history and data stay.</summary>
    Deactivated,

    /// <summary>Has not confirmed the e-mail address yet.</summary>
    Unconfirmed,
}

/// <summary>What the users grid shows: newest accounts first, optionally searched and filtered.</summary>
public sealed record UserFilter
{
    public const int MaxSearchLength = SearchText.MaxLength;

    /// <summary>Part of the e-mail, first or last name; case-insensitive.</summary>
    public string? Search { get; init; }

    /// <summary>One of <see cref="Roles.All"/>, or null for any.</summary>
    public string? Role { get; init; }

    public UserState? State { get; init; }

    /// <summary>The search as it is applied (<see cref="SearchText.Normalize"/>).</summary>
    public string? NormalizedSearch => SearchText.Normalize(Search);
}

/// <summary>One account as the grid lists it.</summary>
public sealed record UserRow(
    Guid Id,
    string Email,
    string? Name,
    string? Role,
    bool EmailConfirmed,
    bool HasPassword,
    DateTime? LockedAt,
    DateTimeOffset? LockoutEnd,
    DateTime? DeactivatedAt,
    DateTime CreatedAt,
    int ActiveSessions = 0)
{
    public PageCursor Cursor => new(CreatedAt, Id);

    public UserState State => DeactivatedAt is not null ? UserState.Deactivated
        : LockedAt is not null ? UserState.Locked
        : !EmailConfirmed ? UserState.Unconfirmed
        : UserState.Active;

    /// <summary>Locked out for a while after failed sign-ins (not by an administrator).</summary>
    public bool TemporarilyLockedOut(DateTimeOffset now) => LockedAt is null && DeactivatedAt is null && LockoutEnd > now;
}

/// <summary>The outcome of an administrator's action: done, or refused with a reason to show.</summary>
public sealed record UserActionResult(bool Succeeded, string? Error = null, string? Message = null)
{
    public static UserActionResult Ok(string message) => new(true, null, message);

    public static UserActionResult Fail(string error) => new(false, error);
}

/// <summary>A pending invitation as the acceptance page shows it.</summary>
public sealed record InvitationView(Guid Id, string Email, string Role, DateTime ExpiresAt);

/// <summary>The outcome of accepting an invitation: the new account and its role, or why not.</summary>
public sealed record InvitationAcceptance(bool Succeeded, Guid? UserId, string? Role, IReadOnlyList<string> Errors)
{
    public static InvitationAcceptance Fail(params string[] errors) => new(false, null, null, errors);
}
