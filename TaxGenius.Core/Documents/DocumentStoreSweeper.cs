using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

/// <summary>
/// Removes what interrupted work left in the store: writes that never finished (temporaries in a folder, incomplete multipart
/// uploads in a bucket) and files whose row never committed or was deleted. Only what is older than <see cref="Grace"/> is
/// touched, so an upload in flight (file written, row about to be added) is never swept. Runs as a recurring job; at every
/// start (<see cref="RemoveAbandonedWritesAtStartAsync"/>) a local folder's temporaries go at once, since nothing is in flight yet.
/// </summary>
public sealed class DocumentStoreSweeper(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    TimeProvider timeProvider,
    ILogger<DocumentStoreSweeper> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    public async Task<(int Temporaries, int Orphans)> SweepAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = timeProvider.GetUtcNow().UtcDateTime - Grace;
        var temporaries = await store.Blobs.RemoveAbandonedWritesAsync(cutoff, cancellationToken);

        var orphans = 0;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var old = new List<string>(500);
        await foreach (var blob in store.Blobs.ListAsync(cancellationToken))
        {
            if (blob.WrittenUtc < cutoff)
            {
                old.Add(blob.StorageKey);
            }

            if (old.Count == 500)
            {
                orphans += await RemoveOrphansAsync(db, old, cancellationToken);
                old.Clear();
            }
        }

        orphans += await RemoveOrphansAsync(db, old, cancellationToken);
        if (temporaries + orphans > 0)
        {
            DocumentsLog.Swept(logger, temporaries, orphans);
        }

        return (temporaries, orphans);
    }

    /// <summary>
    /// At start: a local folder's temporaries all belong to writes that died with the last process (a live writer holds its
    /// temporary locked, so none is touched). A shared bucket may have another instance's uploads in flight: only the grace rule applies.
    /// </summary>
    public async Task<int> RemoveAbandonedWritesAtStartAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = store.Blobs.IsShared ? timeProvider.GetUtcNow().UtcDateTime - Grace : DateTime.MaxValue;
        var removed = await store.Blobs.RemoveAbandonedWritesAsync(cutoff, cancellationToken);
        if (removed > 0)
        {
            DocumentsLog.Swept(logger, removed, 0);
        }

        return removed;
    }

    private async Task<int> RemoveOrphansAsync(TaxGeniusDbContext db, List<string> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        // A file is known when a document or a signature request's original (kept unchanged as evidence) points at it.
        var known = await db.Documents.Where(d => batch.Contains(d.StorageKey)).Select(d => d.StorageKey)
            .Concat(db.SignatureRequests.Where(r => batch.Contains(r.OriginalStorageKey)).Select(r => r.OriginalStorageKey))
            .ToListAsync(cancellationToken);
        var removed = 0;
        foreach (var key in batch.Except(known))
        {
            await store.DeleteAsync(key, cancellationToken);
            removed++;
        }

        return removed;
    }
}
