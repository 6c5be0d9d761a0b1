using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.RateLimiting;

/// <summary>Settings under <c>RateLimits</c>: fixed-window request limits, counted in Redis when it is configured.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Off: no request is counted or refused.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Everything under <c>/api</c>, per signed-in user (per client IP when anonymous).</summary>
    [Required, ValidateObjectMembers]
    public RateLimitPolicyOptions Api { get; set; } = new() { Limit = 100, WindowSeconds = 60 };

    /// <summary>
    /// Sign-in form posts (password, two-factor and recovery codes), per client IP. Generous enough for a firm's office
    /// behind one address; guessing one account's password is stopped after 5 failures from the same address.
    /// </summary>
    [Required, ValidateObjectMembers]
    public RateLimitPolicyOptions SignIn { get; set; } = new() { Limit = 30, WindowSeconds = 300 };

    /// <summary>Registration form posts, per client IP.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitPolicyOptions Register { get; set; } = new() { Limit = 10, WindowSeconds = 3600 };

    /// <summary>Forgot-password and reset-password form posts, per client IP.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitPolicyOptions PasswordReset { get; set; } = new() { Limit = 5, WindowSeconds = 900 };

    /// <summary>"Resend the confirmation e-mail" form posts, per client IP (each address also gets at most a few per hour).</summary>
    [Required, ValidateObjectMembers]
    public RateLimitPolicyOptions ResendConfirmation { get; set; } = new() { Limit = 5, WindowSeconds = 900 };
}

/// <summary>At most <see cref="Limit"/> requests in each fixed window of <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitPolicyOptions
{
    [Range(1, 1_000_000)]
    public int Limit { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
