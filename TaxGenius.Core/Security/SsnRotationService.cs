using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Security;

/// <summary>What a rotation did: rows re-encrypted, rows still changing when it gave up, rows no configured key decrypts.</summary>
public sealed record SsnRotationResult(int Rotated, int Conflicts, int Failed, int Passes);

/// <summary>
/// Re-encrypts every SSN that is not under the active key, while the app keeps running: rows are read in batches by
/// ascending user id (keyset, no OFFSET) and each is written back only if its envelope is still the one that was read,
/// so an SSN a client saves meanwhile is never overwritten; such rows are retried in the next pass.
/// The bulk updates bypass the change tracker: no cache is invalidated, and none needs to be (an SSN stays on file).
/// </summary>
public sealed class SsnRotationService(IDbContextFactory<TaxGeniusDbContext> dbFactory, SsnProtector protector, ILogger<SsnRotationService> logger)
{
    public const int DefaultBatchSize = 500;
    public const int MaxPasses = 5;

    /// <summary>Test seam: runs between reading a row and its conditional update.</summary>
    internal Func<Guid, CancellationToken, Task>? BeforeUpdate { get; set; }

    public async Task<SsnRotationResult> RotateAsync(int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int rotated = 0, failed = 0, conflicts = 0, pass = 0;
        do
        {
            pass++;
            var result = await PassAsync(batchSize, cancellationToken);
            rotated += result.Rotated;
            failed = result.Failed; // the same rows fail in every pass: report the last pass's count
            conflicts = result.Conflicts;
            SecurityLog.RotationPass(logger, pass, result.Rotated, protector.ActiveKeyId, result.Conflicts, result.Failed);
        }
        while (conflicts > 0 && pass < MaxPasses);

        if (conflicts > 0)
        {
            SecurityLog.RotationIncomplete(logger, conflicts, pass);
        }

        return new SsnRotationResult(rotated, conflicts, failed, pass);
    }

    private async Task<SsnRotationResult> PassAsync(int batchSize, CancellationToken cancellationToken)
    {
        var current = $"{SsnProtector.Version}:{protector.ActiveKeyId}:";
        int rotated = 0, conflicts = 0, failed = 0;
        Guid? after = null;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var query = db.Users.AsNoTracking().Where(u => u.SsnEncrypted != null && !u.SsnEncrypted.StartsWith(current));
            if (after is { } last)
            {
                query = query.Where(u => u.Id > last);
            }

            var batch = await query.OrderBy(u => u.Id).Select(u => new { u.Id, Envelope = u.SsnEncrypted! }).Take(batchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new SsnRotationResult(rotated, conflicts, failed, 1);
            }

            after = batch[^1].Id;
            foreach (var row in batch)
            {
                string replacement;
                try
                {
                    replacement = protector.Protect(row.Id, protector.Unprotect(row.Id, row.Envelope));
                }
                catch (SsnDecryptionException e)
                {
                    SecurityLog.DecryptFailed(logger, row.Id, e);
                    failed++;
                    continue;
                }

                if (BeforeUpdate is { } hook)
                {
                    await hook(row.Id, cancellationToken);
                }

                var envelope = row.Envelope;
                var updated = await db.Users.Where(u => u.Id == row.Id && u.SsnEncrypted == envelope)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.SsnEncrypted, replacement), cancellationToken);
                if (updated == 1)
                {
                    rotated++;
                }
                else
                {
                    conflicts++;
                }
            }
        }
    }
}
