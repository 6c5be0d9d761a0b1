using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Settings;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Compliance.Retention;

/// <summary>A proposal as the administrator reviews it: who (while the account exists), why, since when, and what would stop it.</summary>
public sealed record DisposalView(Disposal Disposal, string? ClientName, string? ClientEmail, string? Blocker);

/// <summary>A client on legal hold, for the admin list.</summary>
public sealed record LegalHoldView(Guid ClientId, string ClientName, string? ClientEmail, string Reason, string? SetBy, DateTime SetAt);

/// <summary>What an approval did: how many were disposed, and those skipped with the reason.</summary>
public sealed record ApprovalResult(int Disposed, IReadOnlyList<string> Skipped, string? Error = null)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Retention and disposal (FTC Safeguards Rule 16 CFR 314.4(c)(6)). A monthly job proposes every client whose last activity (last
/// engagement closed, sign-up or upload, whichever is latest) is older than the firm's retention period; clients may ask for their
/// account's closure, which is proposed the same way. An administrator reviews and approves; nothing on legal hold or with an
/// engagement that is not done is ever disposed (checked again at the moment of disposal). Disposal crypto-shreds the client's stored
/// files (the wrapped per-file key is overwritten, then the object deleted), then deletes the account with its SSN, profile, messages,
/// engagements, signatures and consents, replaces their address in referral records the firm keeps for its books, and leaves an
/// anonymous tombstone and a certificate in the audit log.
/// </summary>
public sealed class RetentionService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    FirmSettingsService settings,
    EncryptedFileStore store,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<RetentionService> logger)
{
    public const string ClientSubject = "client";

    /// <summary>Proposes every client now due under the retention period; returns how many were proposed.</summary>
    public async Task<int> ProposeDueAsync(CancellationToken cancellationToken = default)
    {
        var years = (await settings.GetAsync(cancellationToken)).RetentionYears;
        var now = Now;
        var cutoff = now.AddYears(-years);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clients = await db.Users.AsNoTracking().Where(UsersInRole.Any(db, Roles.Client))
            .Where(u => !db.Disposals.Any(d => d.ClientId == u.Id && (d.Status == DisposalStatus.Proposed || d.Status == DisposalStatus.Approved)))
            .Where(u => !db.LegalHolds.Any(h => h.ClientId == u.Id && h.ReleasedAt == null))
            .Where(u => !db.Engagements.Any(e => e.ClientId == u.Id && e.Stage != EngagementStage.Done))
            .Select(u => new
            {
                u.Id,
                u.CreatedAt,
                LastClosed = db.Engagements.Where(e => e.ClientId == u.Id).Max(e => (DateTime?)e.StageChangedAt),
                LastUpload = db.Documents.Where(d => d.UserId == u.Id).Max(d => (DateTime?)d.CreatedAt),
            })
            .ToListAsync(cancellationToken);
        var due = clients.Select(c => (c.Id, LastActivity: new[] { c.CreatedAt, c.LastClosed ?? DateTime.MinValue, c.LastUpload ?? DateTime.MinValue }.Max()))
            .Where(c => c.LastActivity <= cutoff)
            .ToList();
        foreach (var (clientId, lastActivity) in due)
        {
            db.Disposals.Add(new Disposal
            {
                ClientId = clientId, Reason = DisposalReason.RetentionExpired, Status = DisposalStatus.Proposed, ProposedAt = now, LastActivityAt = lastActivity,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        if (due.Count > 0)
        {
            RetentionLog.Proposed(logger, due.Count, years);
        }

        return due.Count;
    }

    /// <summary>A client asks for their account to be closed: proposed for disposal, for an administrator to approve. False when already asked.</summary>
    public async Task<bool> RequestClosureAsync(AuditActor client, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.Disposals.Where(d => d.ClientId == client.UserId && (d.Status == DisposalStatus.Proposed || d.Status == DisposalStatus.Approved))
            .ToListAsync(cancellationToken);
        if (pending.Any(d => d.Reason == DisposalReason.ClientRequest))
        {
            return false;
        }

        var now = Now;
        foreach (var proposal in pending)
        {
            // One proposal per client: the client's own request replaces the retention proposal.
            proposal.Status = DisposalStatus.Cancelled;
            proposal.Note = "Replaced by the client's request to close the account.";
        }

        var disposal = new Disposal { ClientId = client.UserId, Reason = DisposalReason.ClientRequest, Status = DisposalStatus.Proposed, ProposedAt = now, LastActivityAt = now };
        db.Disposals.Add(disposal);
        audit.Add(db, client, AuditActions.ClosureRequested, ClientSubject, client.UserId, client.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>When the client asked for their account's closure and it is still waiting, else null.</summary>
    public async Task<DateTime?> PendingClosureAsync(Guid clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Disposals.Where(d => d.ClientId == clientId && d.Reason == DisposalReason.ClientRequest && d.Status == DisposalStatus.Proposed)
            .Select(d => (DateTime?)d.ProposedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Proposals waiting for review (with the live name while the account exists, and what blocks each), oldest first.</summary>
    public async Task<IReadOnlyList<DisposalView>> ProposalsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Disposals.AsNoTracking().Where(d => d.Status == DisposalStatus.Proposed || d.Status == DisposalStatus.Approved)
            .OrderBy(d => d.ProposedAt).ThenBy(d => d.Id)
            .Select(d => new
            {
                Disposal = d,
                Email = db.Users.Where(u => u.Id == d.ClientId).Select(u => u.Email).FirstOrDefault(),
                First = db.Profiles.Where(p => p.UserId == d.ClientId).Select(p => p.FirstName).FirstOrDefault(),
                Last = db.Profiles.Where(p => p.UserId == d.ClientId).Select(p => p.LastName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var views = new List<DisposalView>();
        foreach (var row in rows)
        {
            var name = $"{row.First} {row.Last}".Trim();
            views.Add(new DisposalView(row.Disposal, name.Length > 0 ? name : row.Email, row.Email, await BlockerAsync(db, row.Disposal.ClientId, cancellationToken)));
        }

        return views;
    }

    /// <summary>Disposals carried out, newest first (the tombstones).</summary>
    public async Task<IReadOnlyList<Disposal>> DisposedAsync(int take = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Disposals.AsNoTracking().Where(d => d.Status == DisposalStatus.Disposed)
            .OrderByDescending(d => d.DisposedAt).ThenByDescending(d => d.Id).Take(take).ToListAsync(cancellationToken);
    }

    public async Task<Disposal?> FindAsync(Guid disposalId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Disposals.AsNoTracking().SingleOrDefaultAsync(d => d.Id == disposalId, cancellationToken);
    }

    /// <summary>
    /// Approves and carries out the given proposals. Each is checked again first: a client on legal hold, with an engagement that is
    /// not done, or gone already is skipped with the reason. Only an active administrator may.
    /// </summary>
    public async Task<ApprovalResult> ApproveAsync(AuditActor actor, IReadOnlyCollection<Guid> disposalIds, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
            {
                return new ApprovalResult(0, [], ActorChecks.NoLongerAllowed);
            }
        }

        var disposed = 0;
        var skipped = new List<string>();
        foreach (var id in disposalIds.Distinct())
        {
            var outcome = await ApproveOneAsync(actor, id, cancellationToken);
            if (outcome is null)
            {
                disposed++;
            }
            else
            {
                skipped.Add(outcome);
            }
        }

        return new ApprovalResult(disposed, skipped);
    }

    /// <summary>Keeps the client's data: the proposal is closed with the administrator's reason.</summary>
    public async Task<string?> CancelAsync(AuditActor actor, Guid disposalId, string? reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > Disposal.MaxNoteLength)
        {
            return $"Say why the firm keeps this client's data (at most {Disposal.MaxNoteLength} characters).";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return ActorChecks.NoLongerAllowed;
        }

        var disposal = await db.Disposals.SingleOrDefaultAsync(d => d.Id == disposalId && d.Status == DisposalStatus.Proposed, cancellationToken);
        if (disposal is null)
        {
            return "That proposal is no longer waiting for review.";
        }

        disposal.Status = DisposalStatus.Cancelled;
        disposal.Note = reason.Trim();
        disposal.DecidedById = actor.UserId;
        disposal.DecidedByEmail = actor.Email;
        disposal.DecidedAt = Now;
        audit.Add(db, actor, AuditActions.DisposalCancelled, ClientSubject, disposal.ClientId, disposal.ClientId, disposal.Note);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Puts a client on legal hold (null when done, else why not).</summary>
    public async Task<string?> SetHoldAsync(AuditActor actor, Guid clientId, string? reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > LegalHold.MaxReasonLength)
        {
            return $"Say why the client's data is held, e.g. \"IRS examination 2024\" (at most {LegalHold.MaxReasonLength} characters).";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return ActorChecks.NoLongerAllowed;
        }

        if (!await db.Users.Where(UsersInRole.Any(db, Roles.Client)).AnyAsync(u => u.Id == clientId, cancellationToken))
        {
            return "That client no longer exists.";
        }

        if (await db.LegalHolds.AnyAsync(h => h.ClientId == clientId && h.ReleasedAt == null, cancellationToken))
        {
            return "That client is already on legal hold.";
        }

        db.LegalHolds.Add(new LegalHold { ClientId = clientId, Reason = reason.Trim(), SetById = actor.UserId, SetByEmail = actor.Email, SetAt = Now });
        audit.Add(db, actor, AuditActions.LegalHoldSet, ClientSubject, clientId, clientId, reason.Trim());
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Releases a client's legal hold (null when done, else why not).</summary>
    public async Task<string?> ReleaseHoldAsync(AuditActor actor, Guid clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await ActorChecks.IsActiveAdminAsync(db, actor.UserId, cancellationToken))
        {
            return ActorChecks.NoLongerAllowed;
        }

        var hold = await db.LegalHolds.SingleOrDefaultAsync(h => h.ClientId == clientId && h.ReleasedAt == null, cancellationToken);
        if (hold is null)
        {
            return "That client is not on legal hold.";
        }

        hold.ReleasedAt = Now;
        hold.ReleasedById = actor.UserId;
        hold.ReleasedByEmail = actor.Email;
        audit.Add(db, actor, AuditActions.LegalHoldReleased, ClientSubject, clientId, clientId, hold.Reason);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<IReadOnlyList<LegalHoldView>> HoldsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.LegalHolds.AsNoTracking().Where(h => h.ReleasedAt == null).OrderBy(h => h.SetAt)
            .Select(h => new
            {
                h.ClientId, h.Reason, h.SetByEmail, h.SetAt,
                Email = db.Users.Where(u => u.Id == h.ClientId).Select(u => u.Email).FirstOrDefault(),
                First = db.Profiles.Where(p => p.UserId == h.ClientId).Select(p => p.FirstName).FirstOrDefault(),
                Last = db.Profiles.Where(p => p.UserId == h.ClientId).Select(p => p.LastName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(h =>
        {
            var name = $"{h.First} {h.Last}".Trim();
            return new LegalHoldView(h.ClientId, name.Length > 0 ? name : h.Email ?? h.ClientId.ToString(), h.Email, h.Reason, h.SetByEmail, h.SetAt);
        }).ToList();
    }

    /// <summary>Carries out approved disposals a crash interrupted (the monthly job runs it).</summary>
    public async Task<int> ResumeApprovedAsync(CancellationToken cancellationToken = default)
    {
        List<(Guid Id, Guid? By, string? Email)> approved;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            approved = (await db.Disposals.Where(d => d.Status == DisposalStatus.Approved).Select(d => new { d.Id, d.DecidedById, d.DecidedByEmail })
                .ToListAsync(cancellationToken)).Select(d => (d.Id, d.DecidedById, d.DecidedByEmail)).ToList();
        }

        foreach (var (id, by, email) in approved)
        {
            await DisposeAsync(new AuditActor(by ?? Guid.Empty, email, null, IsAdmin: true), id, cancellationToken);
        }

        return approved.Count;
    }

    /// <summary>The monthly run: finish what a crash interrupted, then propose who is due.</summary>
    public async Task RunMonthlyAsync(CancellationToken cancellationToken)
    {
        await ResumeApprovedAsync(cancellationToken);
        await ProposeDueAsync(cancellationToken);
    }

    private async Task<string?> ApproveOneAsync(AuditActor actor, Guid disposalId, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var disposal = await db.Disposals.SingleOrDefaultAsync(d => d.Id == disposalId, cancellationToken);
            if (disposal is null || disposal.Status is DisposalStatus.Disposed or DisposalStatus.Cancelled)
            {
                return "A proposal was already decided by someone else.";
            }

            if (await BlockerAsync(db, disposal.ClientId, cancellationToken) is { } blocker)
            {
                return blocker;
            }

            // Claim it: only one administrator's approval carries it out.
            var claimed = await db.Disposals.Where(d => d.Id == disposalId && d.Status == DisposalStatus.Proposed)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DisposalStatus.Approved).SetProperty(d => d.DecidedById, actor.UserId)
                    .SetProperty(d => d.DecidedByEmail, actor.Email).SetProperty(d => d.DecidedAt, Now), cancellationToken);
            if (claimed == 0)
            {
                return "A proposal was already decided by someone else.";
            }
        }

        return await DisposeAsync(actor, disposalId, cancellationToken);
    }

    /// <summary>Why <paramref name="clientId"/> may not be disposed of now, or null.</summary>
    private static async Task<string?> BlockerAsync(TaxGeniusDbContext db, Guid clientId, CancellationToken cancellationToken)
    {
        if (await db.LegalHolds.Where(h => h.ClientId == clientId && h.ReleasedAt == null).Select(h => h.Reason).FirstOrDefaultAsync(cancellationToken) is { } hold)
        {
            return $"On legal hold: {hold}";
        }

        var open = await db.Engagements.Where(e => e.ClientId == clientId && e.Stage != EngagementStage.Done).Select(e => (int?)e.TaxYear)
            .FirstOrDefaultAsync(cancellationToken);
        return open is { } year ? $"The {year} return is not done yet." : null;
    }

    private async Task<string?> DisposeAsync(AuditActor actor, Guid disposalId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var disposal = await db.Disposals.AsNoTracking().SingleAsync(d => d.Id == disposalId, cancellationToken);
        var clientId = disposal.ClientId;
        if (await BlockerAsync(db, clientId, cancellationToken) is { } blocker)
        {
            // A hold set or an engagement reopened between approval and now: back to review.
            await db.Disposals.Where(d => d.Id == disposalId).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DisposalStatus.Proposed), cancellationToken);
            return blocker;
        }

        // 1. Crypto-shred the files first: an approved disposal is final, and a crash after this point is resumed, never undone.
        var files = await db.Documents.AsNoTracking().Where(d => d.UserId == clientId).Select(d => new { d.StorageKey, d.FileSize }).ToListAsync(cancellationToken);
        var originals = await db.SignatureRequests.AsNoTracking().Where(r => r.ClientId == clientId).Select(r => r.OriginalStorageKey).ToListAsync(cancellationToken);
        foreach (var key in files.Select(f => f.StorageKey).Concat(originals).Distinct())
        {
            await store.ShredAsync(key, cancellationToken);
        }

        // 2. The records, in one transaction: counts for the tombstone, then the account and everything that cascades with it.
        var certificate = await db.InTransactionAsync<Disposal?>(async (transaction, ct) =>
        {
            // Claimed in the database: of two runs at once (an approval and the monthly resume), one finishes it, the other stops here.
            if (await db.Disposals.Where(d => d.Id == disposalId && d.Status == DisposalStatus.Approved)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DisposalStatus.Disposed), ct) == 0)
            {
                return null;
            }

            var tombstone = await db.Disposals.SingleAsync(d => d.Id == disposalId, ct);
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == clientId, ct);
            tombstone.Documents = files.Count;
            tombstone.DocumentBytes = files.Sum(f => f.FileSize);
            tombstone.Engagements = await db.Engagements.CountAsync(e => e.ClientId == clientId, ct);
            tombstone.Messages = await db.Messages.CountAsync(m => db.Conversations.Any(c => c.Id == m.ConversationId && c.ClientId == clientId), ct);
            tombstone.SignatureRequests = await db.SignatureRequests.CountAsync(r => r.ClientId == clientId, ct);
            tombstone.Consents = await db.ClientConsents.CountAsync(c => c.UserId == clientId, ct);
            tombstone.HadSsn = user?.SsnEncrypted is not null;
            tombstone.HadProfile = await db.Profiles.AnyAsync(p => p.UserId == clientId, ct);

            var referrals = await db.Referrals.Where(r => r.ClientUserId == clientId).ToListAsync(ct);
            foreach (var referral in referrals)
            {
                // The firm's books keep the commission; the person's address goes.
                referral.ClientEmail = $"disposed-{referral.Id:N}@disposed.invalid";
            }

            tombstone.ReferralsAnonymized = referrals.Count;
            if (user?.Email is { } email)
            {
                await db.QueuedEmails.Where(q => q.To == email).ExecuteDeleteAsync(ct);
            }

            if (user is not null)
            {
                db.Users.Remove(user);
            }

            tombstone.Status = DisposalStatus.Disposed;
            tombstone.DisposedAt = Now;
            var csv = DisposalCertificate.Csv(tombstone);
            tombstone.CertificateSha256 = Common.SecretHash.Of(csv);
            audit.Add(db, actor, AuditActions.ClientDisposed, ClientSubject, clientId, clientId, DisposalCertificate.Summary(tombstone));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return tombstone;
        }, cancellationToken);
        if (certificate is not null)
        {
            RetentionLog.Disposed(logger, certificate.Id, certificate.Documents);
        }

        return null;
    }

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;
}

/// <summary>The disposal certificate: what was removed, when, on whose approval. Made from the tombstone only (no personal data).</summary>
public static class DisposalCertificate
{
    public static string Summary(Disposal d) => string.Create(CultureInfo.InvariantCulture,
        $"Disposal {d.Id}: client {d.ClientId} ({Reason(d.Reason)}); approved by {d.DecidedByEmail} at {d.DecidedAt:yyyy-MM-dd HH:mm} UTC; disposed " +
        $"{d.DisposedAt:yyyy-MM-dd HH:mm} UTC; removed {Plural.Of(d.Documents, "document")} ({d.DocumentBytes} bytes, crypto-shredded), {Plural.Of(d.Engagements, "engagement")}, " +
        $"{Plural.Of(d.Messages, "message")}, {Plural.Of(d.SignatureRequests, "signature request")}, {Plural.Of(d.Consents, "consent")}, SSN {(d.HadSsn ? "yes" : "none held")}, " +
        $"profile {(d.HadProfile ? "yes" : "none held")}; {Plural.Of(d.ReferralsAnonymized, "referral record")} anonymized; certificate sha256 {d.CertificateSha256}");

    public static string Reason(DisposalReason reason) => reason == DisposalReason.ClientRequest ? "the client asked for the account's closure" : "retention period ended";

    /// <summary>The certificate as CSV: one field per line (Field,Value), UTF-8; its SHA-256 is recorded.</summary>
    public static string Csv(Disposal d)
    {
        var rows = Facts(d);
        var text = new StringBuilder("Field,Value\r\n");
        foreach (var (label, value) in rows)
        {
            text.Append(Audit.CsvWriter.Escape(label)).Append(',').Append(Audit.CsvWriter.Escape(value)).Append("\r\n");
        }

        return text.ToString();
    }

    public static byte[] Pdf(Disposal d)
    {
        using var pdf = new ReportPdf("Certificate of disposal", d.DisposedAt ?? DateTime.UtcNow);
        pdf.Paragraph("This certificate records the disposal of one client's information under the firm's retention policy (FTC Safeguards Rule, " +
            "16 CFR 314.4(c)(6)). It names no one: the client id below identified the account only while it existed.");
        pdf.Facts(Facts(d));
        pdf.Paragraph("Stored files were crypto-shredded: each file's wrapped encryption key was overwritten, then the file deleted. " +
            "The audit log (hash-chained) keeps the record of this disposal and of what was done with the data before it.");
        pdf.Facts([("SHA-256 of this certificate's CSV", d.CertificateSha256 ?? "")]);
        return pdf.ToBytes();
    }

    private static List<(string Label, string Value)> Facts(Disposal d)
    {
        string At(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "";
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        return
        [
            ("Disposal", d.Id.ToString()),
            ("Client id", d.ClientId.ToString()),
            ("Reason", Reason(d.Reason)),
            ("Last activity", At(d.LastActivityAt)),
            ("Proposed", At(d.ProposedAt)),
            ("Approved by", d.DecidedByEmail ?? ""),
            ("Approved", At(d.DecidedAt)),
            ("Disposed", At(d.DisposedAt)),
            ("Documents removed (crypto-shredded)", N(d.Documents)),
            ("Bytes of documents", N(d.DocumentBytes)),
            ("Engagements removed", N(d.Engagements)),
            ("Messages removed", N(d.Messages)),
            ("Signature requests removed", N(d.SignatureRequests)),
            ("Consents removed", N(d.Consents)),
            ("SSN removed", d.HadSsn ? "yes" : "none was held"),
            ("Profile removed", d.HadProfile ? "yes" : "none was held"),
            ("Referral records kept with the address removed", N(d.ReferralsAnonymized)),
        ];
    }
}

/// <summary>Retention (1975–1979). Ids and counts only.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 1975, Level = LogLevel.Information, Message = "Proposed {Count} client(s) for disposal ({Years}-year retention)")]
    public static partial void Proposed(ILogger logger, int count, int years);

    [LoggerMessage(EventId = 1976, Level = LogLevel.Information, Message = "Disposal {DisposalId} carried out: {Documents} document(s) shredded")]
    public static partial void Disposed(ILogger logger, Guid disposalId, int documents);
}
