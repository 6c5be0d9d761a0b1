using System.Net.Mail;

namespace TaxGenius.Core.Common;

/// <summary>The one rule for an e-mail address people type (registration, invitations, referrals, the users API).</summary>
public static class EmailAddresses
{
    /// <summary>The longest address accepted (Identity's column holds 256).</summary>
    public const int MaxLength = 256;

    /// <summary>What a form says when the address is left empty.</summary>
    public const string MissingMessage = "Enter your e-mail address.";

    /// <summary>What every form and service says when an address is not one (<see cref="IsValid"/> refused it).</summary>
    public const string InvalidMessage = "Enter a valid e-mail address, like name@example.com.";

    /// <summary>
    /// A bare address (no display name, no angle brackets, nothing around it), at most <see cref="MaxLength"/> characters, whose
    /// domain has a dot inside it ("a@b" parses, but no one on the internet has such an address). Callers trim first.
    /// </summary>
    public static bool IsValid(string? email) =>
        email is { Length: > 0 and <= MaxLength } && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
        && parsed.Host is { } host && host.IndexOf('.', StringComparison.Ordinal) is > 0 && host[^1] != '.' && !host.Contains("..", StringComparison.Ordinal);
}
