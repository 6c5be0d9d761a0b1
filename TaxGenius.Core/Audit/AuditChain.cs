using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Audit;

/// <summary>Where the chain first breaks, and why, in words an auditor reads.</summary>
public sealed record AuditChainBreak(long Sequence, Guid? EntryId, DateTime? EntryAt, string Reason);

/// <summary>What a verification found: how many links were checked, the first break (null when intact), the head hash to note down.</summary>
public sealed record AuditChainReport(long Links, long Unsealed, AuditChainBreak? FirstBreak, string? HeadHash, DateTime CheckedAt)
{
    public bool Intact => FirstBreak is null && Unsealed == 0;

    /// <summary>One line, for the command's output and the audit entry that records the check.</summary>
    public string Summary => FirstBreak is { } broken
        ? $"Broken at link {broken.Sequence}" + (broken.EntryId is { } id ? $" (entry {id}" + (broken.EntryAt is { } at ? $" of {at:yyyy-MM-dd HH:mm:ss} UTC)" : ")") : "") +
          $": {broken.Reason} {Plural.Of(Links, "link")} checked before it."
        : Unsealed > 0
            ? $"{Plural.Of(Links, "link")} intact, but {Plural.Of(Unsealed, "entry", "entries")} {(Unsealed == 1 ? "is" : "are")} older than {AuditChain.SealGrace.TotalMinutes:0} minutes and not in the chain (inserted back-dated?)."
            : $"Intact: {Plural.Of(Links, "link")} verified; head {HeadHash}.";
}

/// <summary>
/// Seals audit entries into a hash chain and verifies it. Sealing runs every minute (and before each verification): entries not yet in
/// the chain are appended in (At, Id) order, each link's hash covering the previous link's hash and every field of its entry, keyed by
/// <see cref="SecretProtector.Hash"/> (a copy of the database alone cannot rebuild the chain). One sealer at a time: a PostgreSQL advisory
/// lock across replicas, a semaphore within this one (the embedded SQLite file has one). Verification walks the chain in order and reports the first link that
/// does not match: a changed entry, a deleted entry, a removed link.
/// </summary>
public sealed class AuditChain(IDbContextFactory<TaxGeniusDbContext> dbFactory, SecretProtector protector, AuditLog audit, TimeProvider timeProvider,
    ILogger<AuditChain> logger)
{
    public const string Purpose = "audit-chain";

    /// <summary>Entries committed this much later than the newest sealed one are still sealed; older ones are reported, not sealed.</summary>
    public static readonly TimeSpan LateWindow = TimeSpan.FromHours(1);

    /// <summary>How long an entry may wait for the sealer before verification calls it out.</summary>
    public static readonly TimeSpan SealGrace = TimeSpan.FromMinutes(10);

    private const int Batch = 500;
    private const long AdvisoryLockKey = 7_216_314; // any fixed number; only this sealer takes it
    private readonly SemaphoreSlim localGate = new(1, 1);

    /// <summary>Appends every unsealed entry to the chain; returns how many were sealed.</summary>
    public async Task<int> SealAsync(CancellationToken cancellationToken = default)
    {
        await localGate.WaitAsync(cancellationToken);
        try
        {
            var total = 0;
            int sealedNow;
            do
            {
                sealedNow = await SealBatchAsync(cancellationToken);
                total += sealedNow;
            }
            while (sealedNow == Batch);

            if (total > 0)
            {
                AuditChainLog.Sealed(logger, total);
            }

            return total;
        }
        finally
        {
            localGate.Release();
        }
    }

    /// <summary>Seals what is waiting, checks the whole chain, and records the result in the audit log (itself then sealed next time).</summary>
    public async Task<AuditChainReport> VerifyAsync(AuditActor? actor = null, CancellationToken cancellationToken = default)
    {
        await SealAsync(cancellationToken);
        var report = await CheckAsync(cancellationToken);
        if (!report.Intact)
        {
            AuditChainLog.Broken(logger, report.FirstBreak?.Sequence ?? 0);
        }

        await audit.WriteAsync(actor ?? SystemActor, AuditActions.AuditChainVerified, "AuditLog", null, null, report.Summary, cancellationToken);
        return report;
    }

    /// <summary>The last recorded verification (by the nightly job, the command or an admin), or null before the first.</summary>
    public async Task<(DateTime At, string Result)?> LastVerificationAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var last = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.AuditChainVerified)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => new { e.At, e.Detail }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? null : (last.At, last.Detail ?? "");
    }

    private static readonly AuditActor SystemActor = new(Guid.Empty, "system", null);

    private async Task<int> SealBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
            }

            var head = await db.AuditChainLinks.AsNoTracking().OrderByDescending(l => l.Sequence)
                .Select(l => new { l.Sequence, l.Hash, l.EntryId }).FirstOrDefaultAsync(ct);
            var waiting = db.AuditEntries.AsNoTracking().Where(e => !db.AuditChainLinks.Any(l => l.EntryId == e.Id));
            if (head is not null
                && await db.AuditEntries.Where(e => e.Id == head.EntryId).Select(e => (DateTime?)e.At).FirstOrDefaultAsync(ct) is { } headAt)
            {
                var since = headAt - LateWindow;
                waiting = waiting.Where(e => e.At >= since);
            }

            var entries = await waiting.OrderBy(e => e.At).ThenBy(e => e.Id).Take(Batch).ToListAsync(ct);
            if (entries.Count == 0)
            {
                return 0;
            }

            var sequence = head?.Sequence ?? 0;
            var previous = head?.Hash ?? "";
            var now = timeProvider.GetUtcNow().UtcDateTime;
            foreach (var entry in entries)
            {
                previous = protector.Hash(Purpose, Chained(previous, entry));
                db.AuditChainLinks.Add(new AuditChainLink { Sequence = ++sequence, EntryId = entry.Id, Hash = previous, SealedAt = now });
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return entries.Count;
        }, cancellationToken);
    }

    private async Task<AuditChainReport> CheckAsync(CancellationToken cancellationToken)
    {
        long expected = 1;
        var previous = "";
        string? head = null;
        const int pageSize = 2000;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var after = expected - 1;
            var page = await (from link in db.AuditChainLinks.AsNoTracking()
                              where link.Sequence > after
                              orderby link.Sequence
                              join e in db.AuditEntries.AsNoTracking() on link.EntryId equals e.Id into entries
                              from entry in entries.DefaultIfEmpty()
                              select new { link.Sequence, link.EntryId, link.Hash, Entry = entry })
                .Take(pageSize).ToListAsync(cancellationToken);
            foreach (var row in page)
            {
                AuditChainBreak? broken = null;
                if (row.Sequence != expected)
                {
                    broken = new AuditChainBreak(expected, null, null,
                        (row.Sequence - 1 == expected ? $"link {expected} is missing" : $"links {expected}–{row.Sequence - 1} are missing") + ": entries were taken out of the chain.");
                }
                else if (row.Entry is null)
                {
                    broken = new AuditChainBreak(row.Sequence, row.EntryId, null, "the entry this link seals was deleted.");
                }
                else if (!protector.CanVerify(row.Hash))
                {
                    broken = new AuditChainBreak(row.Sequence, row.EntryId, row.Entry.At,
                        "the link was sealed with a key that is no longer under DataProtection:Keys, so it cannot be checked.");
                }
                else if (!protector.Verify(Purpose, Chained(previous, row.Entry), row.Hash))
                {
                    broken = new AuditChainBreak(row.Sequence, row.EntryId, row.Entry.At,
                        "the entry (or its link) was changed after it was recorded.");
                }

                if (broken is not null)
                {
                    return new AuditChainReport(expected - 1, 0, broken, head, timeProvider.GetUtcNow().UtcDateTime);
                }

                previous = row.Hash;
                head = row.Hash;
                expected++;
            }

            if (page.Count < pageSize)
            {
                break;
            }
        }

        await using var context = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cutoff = timeProvider.GetUtcNow().UtcDateTime - SealGrace;
        var unsealed = await context.AuditEntries.LongCountAsync(e => e.At < cutoff && !context.AuditChainLinks.Any(l => l.EntryId == e.Id), cancellationToken);
        return new AuditChainReport(expected - 1, unsealed, null, head, timeProvider.GetUtcNow().UtcDateTime);
    }

    /// <summary>What a link's hash covers: the previous hash and every field of the entry, as a JSON array (unambiguous, ordered).</summary>
    private static string Chained(string previous, AuditEntry e) => previous + "\n" + JsonSerializer.Serialize(new object?[]
    {
        e.Id, e.At.Ticks, e.ActorId, e.ActorEmail, e.Action, e.SubjectType, e.SubjectId, e.SubjectUserId, e.Detail, e.IpAddress, e.UserAgent,
        e.ApiTokenId,
    });
}

/// <summary>The audit chain (1970–1979). Counts and sequence numbers only.</summary>
internal static partial class AuditChainLog
{
    [LoggerMessage(EventId = 1970, Level = LogLevel.Debug, Message = "Sealed {Count} audit entries into the chain")]
    public static partial void Sealed(ILogger logger, int count);

    [LoggerMessage(EventId = 1971, Level = LogLevel.Critical, Message = "The audit chain is broken at link {Sequence}: the audit log was tampered with or damaged")]
    public static partial void Broken(ILogger logger, long sequence);
}
