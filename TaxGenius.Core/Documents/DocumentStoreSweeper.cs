using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

/// <summary>
/// Removes what interrupted work left in the store: temporaries of uploads that never finished (a crash or a killed process)
/// and files whose row never committed or was deleted. Only files older than <see cref="Grace"/> are touched, so an upload in
/// flight (file written, row about to be added) is never swept. Runs as a recurring job, and its temporaries half at every
/// start (<see cref="RemoveAbandonedTemporaries"/>): an upload cut off by a dying instance leaves nothing behind past the restart.
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
        var temporaries = RemoveTemporaries(written => written < cutoff);

        var orphans = 0;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var batch in store.EnumerateFiles().Where(f => f.LastWriteUtc < cutoff).Select(f => f.StorageKey).Chunk(500))
        {
            // A file is known when a document or a signature request's original (kept unchanged as evidence) points at it.
            var known = await db.Documents.Where(d => batch.Contains(d.StorageKey)).Select(d => d.StorageKey)
                .Concat(db.SignatureRequests.Where(r => batch.Contains(r.OriginalStorageKey)).Select(r => r.OriginalStorageKey))
                .ToListAsync(cancellationToken);
            foreach (var key in batch.Except(known))
            {
                store.Delete(key);
                orphans++;
            }
        }

        if (temporaries + orphans > 0)
        {
            DocumentsLog.Swept(logger, temporaries, orphans);
        }

        return (temporaries, orphans);
    }

    /// <summary>
    /// At start: removes every temporary no process is writing. A writer holds its temporary open with an exclusive lock from
    /// creation to the rename, so a temporary that can be opened exclusively belongs to an upload that died with its process.
    /// </summary>
    public int RemoveAbandonedTemporaries()
    {
        var removed = RemoveTemporaries(_ => true);
        if (removed > 0)
        {
            DocumentsLog.Swept(logger, removed, 0);
        }

        return removed;
    }

    private int RemoveTemporaries(Func<DateTime, bool> old)
    {
        var removed = 0;
        foreach (var (path, written) in store.EnumerateTemporaries().ToList())
        {
            if (old(written) && TryDeleteUnlocked(path))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool TryDeleteUnlocked(string path)
    {
        try
        {
            // Fails while the writer still has the file open (its exclusive lock), so an upload in flight is never touched.
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
            }

            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
