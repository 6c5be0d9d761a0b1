namespace TaxGenius.Core.Identity.SignInCodes;

/// <summary>What an e-mailed code is for: the second step after a password, or signing in (or recovering an account) without one.</summary>
public enum SignInCodePurpose
{
    SecondFactor = 0,
    SignIn = 1,
}

/// <summary>
/// One e-mailed sign-in code: 6 digits, 10 minutes, one use, 5 tries. Only its keyed hash is stored (<see cref="Security.SecretProtector.Hash"/>);
/// sending a new code of the same purpose ends the earlier one.
/// </summary>
public sealed class SignInCode
{
    public const int MaxHashLength = 120;

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public SignInCodePurpose Purpose { get; set; }

    public string CodeHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>When it was accepted (or replaced by a newer code); a used code never works again.</summary>
    public DateTime? UsedAt { get; set; }
}
