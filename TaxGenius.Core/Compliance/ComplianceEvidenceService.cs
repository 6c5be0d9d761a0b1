using System.Globalization;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Compliance.Retention;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Core.Settings;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Compliance;

/// <summary>
/// One key ring: what it protects, the active key, how many keys are configured, where they are used, the last rotation run.
/// KeyCreated is when the ring's newest key was made, where the ring records it (UTC; the page shows it in the viewer's zone, the PDF
/// in UTC), and Age how old that key is ("12 days old").
/// </summary>
public sealed record KeyRingStatus(string Name, string Protects, string ActiveKeyId, int Configured, string Usage, DateTime? LastRotation,
    DateTime? KeyCreated = null, string? Age = null);

/// <summary>A person who can reach customer information: staff and administrators, with their second factor and last sign-in.</summary>
public sealed record StaffAccess(string Email, string Role, bool SecondFactor, DateTime? LastSignIn, bool Active);

/// <summary>The retention policy in force and where disposals stand.</summary>
public sealed record RetentionStatus(int Years, string? Reason, int Proposed, int OnHold, int DisposedLastYear);

/// <summary>Everything /admin/compliance shows and the evidence pack prints, read from live state.</summary>
public sealed record ComplianceEvidence(
    DateTime MadeAt,
    string FirmName,
    IReadOnlyList<MfaCoverageRow> Mfa,
    IReadOnlyList<KeyRingStatus> Keys,
    IReadOnlyList<StaffAccess> Staff,
    RetentionStatus Retention,
    (DateTime At, string Result)? AuditChain,
    (DateTime At, string Result)? LastBackup);

/// <summary>
/// The security-plan evidence (IRS Publication 4557, FTC Safeguards Rule 16 CFR 314.4): MFA coverage by role and factor, the encryption
/// key rings and their last rotation, who can reach customer data, retention, the audit chain's last verification and the last backup,
/// from live state; and the PDF a firm attaches to its written information security plan.
/// </summary>
public sealed class ComplianceEvidenceService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    MfaCoverage mfa,
    FirmSettingsService settings,
    AuditChain chain,
    IOptions<SsnProtectionOptions> ssnKeys,
    IOptions<DocumentStoreOptions> storageKeys,
    IOptions<DataProtectionKeyOptions> secretKeys,
    IOptions<TaxGeniusOptions> options,
    TimeProvider timeProvider)
{
    public async Task<ComplianceEvidence> BuildAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var firm = await settings.GetAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Keys: ids and counts only, never a key.
        var ssnPrefixes = await db.Users.AsNoTracking().Where(u => u.SsnEncrypted != null).Select(u => u.SsnEncrypted!.Substring(0, 40)).ToListAsync(cancellationToken);
        var ssnByKey = ssnPrefixes.Select(p => p.Split(':') is [_, var keyId, ..] ? keyId : "?").GroupBy(k => k)
            .Select(g => $"{Plural.Of(g.Count(), "SSN")} under '{g.Key}'").ToList();
        var rotations = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.KeysRotated)
            .Select(e => new { e.At, e.Detail }).ToListAsync(cancellationToken);
        DateTime? Rotated(string ring) => rotations.Where(r => r.Detail != null && r.Detail.StartsWith(ring, StringComparison.Ordinal)).Max(r => (DateTime?)r.At);
        var dataProtectionCreated = (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken))
            .Select(CreationDate).Where(d => d is not null).Max();
        var keys = new List<KeyRingStatus>
        {
            new("Ssn:Keys", "SSNs and message bodies (AES-256-GCM)", ssnKeys.Value.ActiveKeyId ?? "", ssnKeys.Value.Keys.Count,
                ssnByKey.Count == 0 ? "no SSN stored" : string.Join("; ", ssnByKey), Rotated("ssn"), null),
            new("Storage:MasterKeys", "each stored document's data key (AES-256-GCM key wrap)", storageKeys.Value.ActiveKeyId ?? "",
                storageKeys.Value.MasterKeys.Count, $"{Plural.Of(await db.Documents.CountAsync(cancellationToken), "document")} stored", Rotated("storage"), null),
            new("DataProtection:Keys", "the cookie key ring, authenticator keys and recovery codes, audit chain hashes", secretKeys.Value.ActiveKeyId ?? "",
                secretKeys.Value.Keys.Count, dataProtectionCreated is null ? "no cookie key yet" : "newest cookie key", null, dataProtectionCreated,
                dataProtectionCreated is { } c ? $"{Plural.Of((int)(now - c).TotalDays, "day")} old" : null),
        };

        // Who can reach customer data: every active staff member and administrator.
        var staff = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           join u in db.Users on ur.UserId equals u.Id
                           where r.Name == Roles.Preparer || r.Name == Roles.Admin
                           orderby r.Name, u.Email
                           select new
                           {
                               u.Email,
                               Role = r.Name!,
                               SecondFactor = u.TwoFactorEnabled || db.UserPasskeys.Any(p => p.UserId == u.Id),
                               LastSignIn = db.UserSessions.Where(s => s.UserId == u.Id).Max(s => (DateTime?)s.CreatedAt),
                               Active = u.DeactivatedAt == null && u.LockedAt == null,
                           })
            .ToListAsync(cancellationToken);

        var yearAgo = now.AddYears(-1);
        var retention = new RetentionStatus(firm.RetentionYears, firm.RetentionReason,
            await db.Disposals.CountAsync(d => d.Status == DisposalStatus.Proposed || d.Status == DisposalStatus.Approved, cancellationToken),
            await db.LegalHolds.CountAsync(h => h.ReleasedAt == null, cancellationToken),
            await db.Disposals.CountAsync(d => d.Status == DisposalStatus.Disposed && d.DisposedAt >= yearAgo, cancellationToken));
        var backup = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.BackupCompleted)
            .OrderByDescending(e => e.At).Select(e => new { e.At, e.Detail }).FirstOrDefaultAsync(cancellationToken);

        return new ComplianceEvidence(now, options.Value.FirmName, await mfa.ByRoleAsync(cancellationToken), keys,
            staff.Select(s => new StaffAccess(s.Email ?? "", s.Role, s.SecondFactor, s.LastSignIn, s.Active)).ToList(), retention,
            await chain.LastVerificationAsync(cancellationToken), backup is null ? null : (backup.At, backup.Detail ?? ""));
    }

    /// <summary>The evidence pack: a PDF to attach to the firm's written information security plan (IRS Publication 4557).</summary>
    public static byte[] ToPdf(ComplianceEvidence e)
    {
        using var pdf = new ReportPdf($"Security-plan evidence · {e.FirmName}", e.MadeAt);
        pdf.Paragraph("Read from the live system at the time above, for the firm's written information security plan (IRS Publication 4557) " +
            "and the FTC Safeguards Rule (16 CFR 314.4). Keys are named by id only; no key, SSN or document is in this file.");
        pdf.Heading("Multi-factor authentication (16 CFR 314.4(c)(5))");
        pdf.Table(["Role", "Active accounts", "Passkey", "Authenticator", "Password", "E-mailed code only / not enrolled"], [0.2, 0.16, 0.12, 0.16, 0.12, 0.24],
            e.Mfa.Select(m => (IReadOnlyList<string>)[m.Role, N(m.Accounts), N(m.WithPasskey), N(m.WithAuthenticator), N(m.WithPassword), N(m.PasswordOnly)]));
        pdf.Heading("Encryption at rest (16 CFR 314.4(c)(3))");
        pdf.Table(["Key ring", "Protects", "Active key", "Keys", "In use", "Last rotation"], [0.17, 0.25, 0.1, 0.06, 0.27, 0.15],
            e.Keys.Select(k => (IReadOnlyList<string>)[k.Name, k.Protects, k.ActiveKeyId, N(k.Configured), k.Usage + (k.KeyCreated is { } made ? $" created {Day(made)}, {k.Age}" : ""),
                k.LastRotation is { } r ? Day(r) : "never run"]));
        pdf.Heading("Who can reach customer information (16 CFR 314.4(c)(1))");
        pdf.Table(["Account", "Role", "Second factor", "Last sign-in", "Status"], [0.36, 0.14, 0.14, 0.2, 0.16],
            e.Staff.Select(s => (IReadOnlyList<string>)[s.Email, s.Role, s.SecondFactor ? "yes" : "NO", s.LastSignIn is { } l ? Day(l) : "never",
                s.Active ? "active" : "locked or deactivated"]));
        pdf.Heading("Retention and disposal (16 CFR 314.4(c)(6))");
        pdf.Facts(
        [
            ("Clients' data disposed of", $"{Plural.Of(e.Retention.Years, "year")} after their last activity" + (e.Retention.Reason is { } reason ? $" ({reason})" : "")),
            ("Proposals waiting for review", N(e.Retention.Proposed)),
            ("Clients on legal hold", N(e.Retention.OnHold)),
            ("Clients disposed of in the last 12 months", N(e.Retention.DisposedLastYear)),
        ]);
        pdf.Heading("Monitoring and logging (16 CFR 314.4(c)(8))");
        pdf.Facts(
        [
            ("Audit log", "append-only, hash-chained (HMAC-SHA256, key outside the database), sealed every minute, verified nightly"),
            ("Last verification", e.AuditChain is { } v ? $"{Day(v.At)}: {v.Result}" : "not verified yet"),
            ("Last backup", e.LastBackup is { } b ? $"{Day(b.At)}: {b.Result}" : "no backup recorded (run the backup command)"),
        ]);
        return pdf.ToBytes();
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A Data Protection key's creation date from its XML (&lt;key&gt;&lt;creationDate&gt;); null when unreadable.</summary>
    private static DateTime? CreationDate(string? xml)
    {
        try
        {
            return xml is null ? null
                : XElement.Parse(xml).Element("creationDate")?.Value is { } value
                    ? DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
                    : null;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
