using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Messaging;

public sealed record MessageRotationResult(int Rotated, int Changed, int Failed);

/// <summary>
/// Re-encrypts message bodies not under the active key (run by <c>--rotate-ssn-keys</c> after the SSNs, since both share the ring).
/// Each row is replaced only if it is still the envelope that was read: an edit or removal in the meantime wins and is counted.
/// </summary>
public sealed class MessageRotationService(IDbContextFactory<TaxGeniusDbContext> dbFactory, MessageProtector protector)
{
    public async Task<MessageRotationResult> RotateAsync(int batchSize = 500, CancellationToken cancellationToken = default)
    {
        var current = $"{MessageProtector.Version}:{protector.ActiveKeyId}:";
        int rotated = 0, changed = 0, failed = 0;
        Guid? after = null;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var query = db.Messages.AsNoTracking().Where(m => m.Body != null && !m.Body.StartsWith(current));
            if (after is { } last)
            {
                query = query.Where(m => m.Id > last);
            }

            var batch = await query.OrderBy(m => m.Id).Select(m => new { m.Id, m.ConversationId, Body = m.Body! }).Take(batchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new MessageRotationResult(rotated, changed, failed);
            }

            after = batch[^1].Id;
            foreach (var row in batch)
            {
                if (protector.Unprotect(row.ConversationId, row.Id, row.Body) is not { } text)
                {
                    failed++;
                    continue;
                }

                var replacement = protector.Protect(row.ConversationId, row.Id, text);
                var body = row.Body;
                var updated = await db.Messages.Where(m => m.Id == row.Id && m.Body == body)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, replacement), cancellationToken);
                if (updated == 1)
                {
                    rotated++;
                }
                else
                {
                    changed++;
                }
            }
        }
    }
}
