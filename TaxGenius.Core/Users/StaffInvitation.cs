namespace TaxGenius.Core.Users;

/// <summary>
/// An invitation for a member of staff (PREPARER, ADMIN or REFERRER). The link carries a random token; only its SHA-256 is
/// stored, so a database reader cannot use a pending invitation. One-time (<see cref="AcceptedAt"/> is claimed atomically)
/// and valid for <see cref="StaffInvitationService.InvitationLifetime"/>. The account is created when the invitee sets a password.
/// </summary>
public class StaffInvitation
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string Role { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public required string TokenHash { get; set; }

    public Guid? InvitedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public Guid? AcceptedUserId { get; set; }
}
