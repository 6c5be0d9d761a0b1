using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Security;

/// <summary>The outcome of saving an SSN: a field message, or the masked value now on file.</summary>
public sealed record SsnSaveResult(string? Error, string? Masked)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// A client's own SSN: saved encrypted (<see cref="SsnProtector"/>), shown back only masked. Saving goes through the change
/// tracker, so <see cref="Caching.CacheInvalidationInterceptor"/> refreshes the client's home summary ("SSN on file").
/// </summary>
public sealed class SsnService(IDbContextFactory<TaxGeniusDbContext> dbFactory, SsnProtector protector, ILogger<SsnService> logger)
{
    public async Task<SsnSaveResult> SetAsync(Guid userId, string? ssnInput, CancellationToken cancellationToken = default)
    {
        var validation = SsnValidator.Validate(ssnInput);
        if (!validation.IsValid)
        {
            return new(validation.Error, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken)
            ?? throw new InvalidOperationException($"No user {userId}.");
        user.SsnEncrypted = protector.Protect(userId, validation.Normalized!);
        await db.SaveChangesAsync(cancellationToken);
        SecurityLog.Saved(logger, userId, protector.ActiveKeyId);
        return new(null, SsnProtector.Mask(validation.Normalized!));
    }

    /// <summary><c>***-**-6789</c>, or null when no SSN is on file.</summary>
    public async Task<string?> GetMaskedAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var envelope = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SsnEncrypted).SingleOrDefaultAsync(cancellationToken);
        if (envelope is null)
        {
            return null;
        }

        try
        {
            return SsnProtector.Mask(protector.Unprotect(userId, envelope));
        }
        catch (SsnDecryptionException e)
        {
            SecurityLog.DecryptFailed(logger, userId, e);
            throw;
        }
    }
}
