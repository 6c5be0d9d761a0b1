using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.ApiTokens;

/// <summary>A token as the tokens page shows it: never the secret, never its hash.</summary>
public sealed record ApiTokenView(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt,
    DateTime? RevokedAt, Guid OwnerId = default, string? OwnerEmail = null)
{
    public ApiTokenStatus StatusAt(DateTime now) => RevokedAt is not null ? ApiTokenStatus.Revoked
        : ExpiresAt <= now ? ApiTokenStatus.Expired
        : ApiTokenStatus.Active;
}

public enum ApiTokenStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>A new token: <see cref="Secret"/> is shown once and never again (only its hash is kept).</summary>
public sealed record ApiTokenCreation(bool Succeeded, string? Error, string? Secret, ApiTokenView? Token);

/// <summary>Whose token a secret is (it is unrevoked and unexpired); the caller still checks the account itself.</summary>
public sealed record ApiTokenMatch(Guid TokenId, Guid UserId, DateTime ExpiresAt);

/// <summary>
/// Personal access tokens for the REST API: administrators make them for themselves; every administrator sees and can revoke every
/// token of the firm (incident response must not depend on the owner). Every token expires, within <see cref="MaxLifetime"/>. The
/// secret is <c>tgp_</c> + 32 random bytes (base64url); the table keeps its SHA-256 and its first characters only.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<TaxGeniusDbContext> dbFactory, AuditLog audit, TimeProvider timeProvider)
{
    public const string SecretPrefix = "tgp_";
    public const int PrefixLength = 12;
    public const int MaxNameLength = 100;

    /// <summary>A secret is the prefix and 43 base64url characters; anything much longer is not one of ours.</summary>
    public const int MaxSecretLength = 64;

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);

    /// <summary>No token lives longer than a year: a forgotten one dies by itself.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    /// <summary>The expiry choices the tokens page offers.</summary>
    public static readonly IReadOnlyList<TimeSpan> LifetimeChoices = [TimeSpan.FromDays(30), DefaultLifetime, MaxLifetime];

    /// <summary>LastUsedAt is written at most this often per token (a busy script does not write on every call).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string Subject = "api_token";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Makes a token for <paramref name="actor"/> (an active administrator), valid for <paramref name="lifetime"/> (at most a year).</summary>
    public async Task<ApiTokenCreation> CreateAsync(AuditActor actor, string? name, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            return new ApiTokenCreation(false, $"Give the token a name of 1 to {MaxNameLength} characters.", null, null);
        }

        if (lifetime <= TimeSpan.Zero)
        {
            return new ApiTokenCreation(false, "The expiry must be in the future.", null, null);
        }

        if (lifetime > MaxLifetime)
        {
            return new ApiTokenCreation(false, "A token expires within a year at most; make a new one when it does.", null, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return new ApiTokenCreation(false, "Only an active administrator can make API tokens.", null, null);
        }

        var secret = SecretPrefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = Now;
        var token = new ApiToken
        {
            UserId = actor.UserId,
            Name = name,
            Prefix = secret[..PrefixLength],
            TokenHash = Common.SecretHash.Of(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiTokens.Add(token);
        audit.Add(db, actor, AuditActions.ApiTokenCreated, Subject, token.Id, actor.UserId,
            $"'{name}' ({token.Prefix}…), expires {token.ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}");
        await db.SaveChangesAsync(cancellationToken);
        return new ApiTokenCreation(true, null, secret, ToView(token));
    }

    /// <summary>The user's tokens, newest first (revoked and expired ones too, so the owner sees what happened).</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Project(db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)).ToListAsync(cancellationToken);
    }

    /// <summary>Every token of the firm, newest first, with its owner: what administrators review and revoke.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Project(db.ApiTokens.AsNoTracking()).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Revokes any unrevoked token of the firm (the actor must be an active administrator); false when there is no such token or the
    /// actor may not. Audited with the token's owner.
    /// </summary>
    public async Task<bool> RevokeAsync(AuditActor actor, Guid tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return false;
        }

        var token = await db.ApiTokens.Include(t => t.User).SingleOrDefaultAsync(t => t.Id == tokenId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt = Now;
        audit.Add(db, actor, AuditActions.ApiTokenRevoked, Subject, token.Id, token.UserId,
            $"'{token.Name}' ({token.Prefix}…) of {token.User?.Email ?? "a deleted user"}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Whose unrevoked, unexpired token <paramref name="secret"/> is, or null. Notes the use (at most once per
    /// <see cref="LastUsedResolution"/>).
    /// </summary>
    public async Task<ApiTokenMatch?> FindAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (HashOf(secret) is not { } hash)
        {
            return null;
        }

        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var match = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null && t.ExpiresAt > now)
            .Select(t => new { t.Id, t.UserId, t.LastUsedAt, t.ExpiresAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (match is null)
        {
            return null;
        }

        if (match.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution)
        {
            await NoteUseAsync(db, match.Id, now, cancellationToken);
        }

        return new ApiTokenMatch(match.Id, match.UserId, match.ExpiresAt);
    }

    /// <summary>The SHA-256 the table keeps of <paramref name="secret"/>, or null when it is not shaped like one of our secrets.</summary>
    public static string? HashOf(string? secret) =>
        secret is null || secret.Length > MaxSecretLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? null : Common.SecretHash.Of(secret);

    /// <summary>
    /// Notes a use of the token now (LastUsedAt), unless one was noted within <see cref="LastUsedResolution"/>: for callers that
    /// found the token without <see cref="FindAsync"/> (a cached authentication).
    /// </summary>
    public async Task NoteUseAsync(Guid tokenId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await NoteUseAsync(db, tokenId, Now, cancellationToken);
    }

    private static Task<int> NoteUseAsync(TaxGeniusDbContext db, Guid tokenId, DateTime now, CancellationToken cancellationToken)
    {
        var staleBefore = now - LastUsedResolution;
        return db.ApiTokens.Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt <= staleBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
    }

    /// <summary>Revokes every live token of the user, in the caller's context and transaction; the number revoked.</summary>
    internal static Task<int> RevokeAllAsync(TaxGeniusDbContext db, Guid userId, DateTime now, CancellationToken cancellationToken) =>
        db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);

    private static ApiTokenView ToView(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.UserId);

    private static IQueryable<ApiTokenView> Project(IQueryable<ApiToken> tokens) =>
        tokens.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.UserId,
                t.User != null ? t.User.Email : null));
}
