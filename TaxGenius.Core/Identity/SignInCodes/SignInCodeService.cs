using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.RateLimiting;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Identity.SignInCodes;

/// <summary>What became of a request for a code.</summary>
public enum SendCodeOutcome
{
    Sent,

    /// <summary>A code went out less than <see cref="SignInCodeService.ResendInterval"/> ago: the earlier one still works.</summary>
    TooSoon,

    /// <summary>More than <see cref="SignInCodeService.MaxSendsPerWindow"/> codes within <see cref="SignInCodeService.SendWindow"/>.</summary>
    RateLimited,

    /// <summary>The account is deactivated or has no address: nothing is sent (callers answer as if it were).</summary>
    NoRecipient,
}

/// <summary>What a check of a code found.</summary>
public enum CodeCheck
{
    Accepted,
    Wrong,

    /// <summary>The fifth wrong try: the code no longer works; a new one must be sent.</summary>
    Locked,
    Expired,

    /// <summary>No open code (never sent, already used, or replaced by a newer one).</summary>
    NoCode,
}

/// <summary>
/// One-time sign-in codes by e-mail for clients and referrers (ADR-015): 6 digits, <see cref="ValidFor"/>, one use,
/// <see cref="MaxAttempts"/> tries, at most <see cref="MaxSendsPerWindow"/> sends per <see cref="SendWindow"/>, sent through the
/// high-priority e-mail queue. The database keeps only a keyed hash; the code itself is never logged.
/// </summary>
public sealed class SignInCodeService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EmailQueue emails,
    SecretProtector secrets,
    IRateLimitCounter counter,
    TimeProvider timeProvider,
    ILogger<SignInCodeService> logger)
{
    public const int MaxAttempts = 5;
    public const int MaxSendsPerWindow = 5;
    public const string SendPolicy = "signin-code-sends";
    public static readonly TimeSpan ValidFor = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ResendInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SendWindow = TimeSpan.FromMinutes(15);

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>E-mails a new code for <paramref name="purpose"/> (the earlier open one stops working).</summary>
    public async Task<SendCodeOutcome> SendAsync(Guid userId, SignInCodePurpose purpose, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await EmailRecipient.FindAsync(db, userId, cancellationToken) is not { } recipient)
        {
            return SendCodeOutcome.NoRecipient;
        }

        var now = Now;
        var open = db.SignInCodes.Where(c => c.UserId == userId && c.Purpose == purpose && c.UsedAt == null && c.ExpiresAt > now);
        if (await open.AnyAsync(c => c.CreatedAt > now - ResendInterval, cancellationToken))
        {
            return SendCodeOutcome.TooSoon;
        }

        var decision = await counter.HitAsync(SendPolicy, userId.ToString("N"), MaxSendsPerWindow, SendWindow, cancellationToken);
        if (!decision.Allowed)
        {
            SignInCodeLog.SendRefused(logger, userId, purpose);
            return SendCodeOutcome.RateLimited;
        }

        var code = OneTimeCodes.New();
        var template = new SignInCodeEmail(recipient.Greeting, code, (int)ValidFor.TotalMinutes, Recovery: purpose == SignInCodePurpose.SignIn);
        await db.InTransactionAsync<bool>(async (transaction, _) =>
        {
            db.ChangeTracker.Clear();
            await open.ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken);
            db.SignInCodes.Add(new SignInCode
            {
                Id = Guid.CreateVersion7(),
                UserId = userId,
                Purpose = purpose,
                CodeHash = secrets.Hash(HashPurpose(userId, purpose), code),
                CreatedAt = now,
                ExpiresAt = now + ValidFor,
            });
            await emails.AddAsync(db, recipient.Email, template, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
        SignInCodeLog.Sent(logger, userId, purpose);
        return SendCodeOutcome.Sent;
    }

    /// <summary>Checks <paramref name="code"/> against the user's open code; an accepted code is used up at once.</summary>
    public async Task<CodeCheck> VerifyAsync(Guid userId, SignInCodePurpose purpose, string? code, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var latest = await LatestOpenAsync(db, userId, purpose, cancellationToken);
        var now = Now;
        if (Refusal(latest, now) is { } refused)
        {
            return refused.State;
        }

        var digits = OneTimeCodes.Digits(code);
        if (digits.Length == OneTimeCodes.Length && secrets.Verify(HashPurpose(userId, purpose), digits, latest!.CodeHash))
        {
            // One use: of two requests racing with the same code, only one marks it used.
            var used = await db.SignInCodes.Where(c => c.Id == latest.Id && c.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken);
            return used == 1 ? CodeCheck.Accepted : CodeCheck.NoCode;
        }

        // Counted in the database (not in memory): two replicas share the five tries.
        await db.SignInCodes.Where(c => c.Id == latest!.Id && c.FailedAttempts < MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), cancellationToken);
        var failures = await db.SignInCodes.Where(c => c.Id == latest!.Id).Select(c => c.FailedAttempts).SingleAsync(cancellationToken);
        SignInCodeLog.WrongCode(logger, userId, purpose, failures);
        return failures >= MaxAttempts ? CodeCheck.Locked : CodeCheck.Wrong;
    }

    /// <summary>Why the user's latest code would now be refused, and the tries it has left (for the message after a refused code).</summary>
    public async Task<(CodeCheck State, int AttemptsLeft)> StateAsync(Guid userId, SignInCodePurpose purpose, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var latest = await LatestOpenAsync(db, userId, purpose, cancellationToken);
        return Refusal(latest, Now) ?? (CodeCheck.Wrong, MaxAttempts - latest!.FailedAttempts);
    }

    /// <summary>
    /// Whether clients and referrers only, with a confirmed address, may use e-mailed codes (staff sign in with an authenticator or a
    /// passkey): the second step, the password-less way in and recovery all ask this.
    /// </summary>
    public static bool MayUse(ApplicationUser user, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.EmailConfirmed && roles.Any(role => role is Roles.Client or Roles.Referrer);
    }

    /// <summary>The user's newest code of <paramref name="purpose"/> not yet used or replaced.</summary>
    private static Task<SignInCode?> LatestOpenAsync(TaxGeniusDbContext db, Guid userId, SignInCodePurpose purpose, CancellationToken cancellationToken) =>
        db.SignInCodes.AsNoTracking().Where(c => c.UserId == userId && c.Purpose == purpose && c.UsedAt == null)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Why no code typed now could be accepted (none open, expired, tries used up), with the tries left; null while it could.</summary>
    private static (CodeCheck State, int AttemptsLeft)? Refusal(SignInCode? latest, DateTime now) =>
        latest is null ? (CodeCheck.NoCode, 0)
        : latest.ExpiresAt <= now ? (CodeCheck.Expired, Math.Max(0, MaxAttempts - latest.FailedAttempts))
        : latest.FailedAttempts >= MaxAttempts ? (CodeCheck.Locked, 0)
        : null;

    /// <summary>"c•••@example.com": enough for a person to recognise their address, not enough to learn one.</summary>
    public static string Mask(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "your e-mail address" : $"{email[0]}•••{email[at..]}";
    }

    /// <summary>What a person is told when they ask for a code and none is sent (the same whether or not an account exists).</summary>
    public static string? Explain(SendCodeOutcome outcome) => outcome switch
    {
        SendCodeOutcome.TooSoon => $"A code was sent less than {(int)ResendInterval.TotalSeconds} seconds ago. Check your inbox (and spam folder) before asking for another.",
        SendCodeOutcome.RateLimited => $"Too many codes were sent. Please wait {(int)SendWindow.TotalMinutes} minutes, then ask for a new one.",
        _ => null,
    };

    /// <summary>The message a person sees for a refused code.</summary>
    public static string Explain(CodeCheck check, int attemptsLeft) => check switch
    {
        CodeCheck.Wrong => attemptsLeft == 1
            ? "That code is not right. One try left, then you will need a new code."
            : $"That code is not right. {attemptsLeft} tries left.",
        CodeCheck.Locked => $"That code was entered wrongly {MaxAttempts} times and no longer works. Send yourself a new code.",
        CodeCheck.Expired => $"That code has expired (codes work for {(int)ValidFor.TotalMinutes} minutes). Send yourself a new code.",
        CodeCheck.NoCode => "That code has already been used or replaced by a newer one. Send yourself a new code.",
        _ => "",
    };

    /// <summary>Bound to the user and purpose: a code hash copied to another row or purpose does not match.</summary>
    private static string HashPurpose(Guid userId, SignInCodePurpose purpose) => $"sign-in-code:{purpose}:{userId:N}";
}

internal static partial class SignInCodeLog
{
    [LoggerMessage(EventId = 1961, Level = LogLevel.Information, Message = "Sign-in code ({Purpose}) e-mailed to user {UserId}")]
    public static partial void Sent(ILogger logger, Guid userId, SignInCodePurpose purpose);

    [LoggerMessage(EventId = 1962, Level = LogLevel.Warning, Message = "Sign-in code ({Purpose}) for user {UserId} refused: too many sent")]
    public static partial void SendRefused(ILogger logger, Guid userId, SignInCodePurpose purpose);

    [LoggerMessage(EventId = 1963, Level = LogLevel.Warning, Message = "Wrong sign-in code ({Purpose}) for user {UserId}: {Failures} of 5")]
    public static partial void WrongCode(ILogger logger, Guid userId, SignInCodePurpose purpose, int failures);
}
