using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

/// <summary>
/// Removes what interrupted work left in the store: temporaries of uploads that never finished (a crash or a killed process)
/// and files whose row never committed or was deleted. Only files older than <see cref="Grace"/> are touched, so an upload in
/// flight (file written, row about to be added) is never swept. Runs as a recurring job.
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
        var temporaries = 0;
        foreach (var (path, written) in store.EnumerateTemporaries().ToList())
        {
            if (written < cutoff)
            {
                File.Delete(path);
                temporaries++;
            }
        }

        var orphans = 0;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var batch in store.EnumerateFiles().Where(f => f.LastWriteUtc < cutoff).Select(f => f.StorageKey).Chunk(500))
        {
            var known = await db.Documents.Where(d => batch.Contains(d.StorageKey)).Select(d => d.StorageKey).ToListAsync(cancellationToken);
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
}
