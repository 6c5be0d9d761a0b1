using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Users;

/// <summary>How an API call on users ended; the endpoints turn it into a status code.</summary>
public enum UserApiOutcome
{
    Ok,

    /// <summary>The input is invalid: <see cref="UserApiResult.Errors"/> says which fields and why (400).</summary>
    Invalid,

    /// <summary>No such user (404).</summary>
    NotFound,

    /// <summary>The e-mail address already has an account (409).</summary>
    Duplicate,

    /// <summary>Refused by a rule of the firm, e.g. the last administrator (409).</summary>
    Refused,
}

/// <summary>The outcome of an API call on users: the user as it now stands, or why not.</summary>
public sealed record UserApiResult(UserApiOutcome Outcome, UserRow? User = null, IReadOnlyDictionary<string, string[]>? Errors = null,
    string? Detail = null)
{
    public static UserApiResult Invalid(string field, string error) => new(UserApiOutcome.Invalid, Errors: new Dictionary<string, string[]> { [field] = [error] });
}

/// <summary>What the users API accepts: the fields' limits and their messages (keys are the JSON property names).</summary>
public static class UserApiInput
{
    public const int MaxEmailLength = Common.EmailAddresses.MaxLength;
    public const int MinNameLength = 2;
    public const int MaxNameLength = 100;

    /// <summary>The roles the API may create or grant.</summary>
    public static readonly IReadOnlyList<string> AssignableRoles = [Roles.Client, Roles.Preparer, Roles.Referrer];

    /// <summary>Field errors for a new user's e-mail, name and role (empty when valid). Keys are the JSON property names.</summary>
    public static Dictionary<string, string[]> ValidateCreate(string? email, string? name, string? role)
    {
        var errors = new Dictionary<string, string[]>();
        if (ValidateEmail(email) is { } emailError)
        {
            errors["email"] = [emailError];
        }

        if (ValidateName(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (ValidateRole(role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        return errors;
    }

    public static string? ValidateEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "The e-mail address is required.";
        }

        if (email.Length > MaxEmailLength)
        {
            return $"The e-mail address must be at most {MaxEmailLength} characters.";
        }

        return Common.EmailAddresses.IsValid(email)
            ? null
            : Common.EmailAddresses.InvalidMessage;
    }

    public static string? ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "The name is required.";
        }

        return trimmed.Length is < MinNameLength or > MaxNameLength
            ? $"The name must be {MinNameLength} to {MaxNameLength} characters."
            : null;
    }

    public static string? ValidateRole(string? role)
    {
        if (string.IsNullOrWhiteSpace(role))
        {
            return "The role is required.";
        }

        if (role == Roles.Admin)
        {
            return "ADMIN accounts are not created or granted through the API: invite an administrator from the users page.";
        }

        return AssignableRoles.Contains(role) ? null : $"The role must be one of {string.Join(", ", AssignableRoles)}.";
    }
}
