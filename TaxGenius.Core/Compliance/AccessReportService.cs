using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Compliance;

/// <summary>Whose access an access report follows.</summary>
public enum AccessReportScope
{
    /// <summary>Everything one staff member (or admin) did: the "this account was compromised" scenario.</summary>
    StaffMember,

    /// <summary>Everything anyone did to one client's data: "who saw my information?"</summary>
    Client,

    /// <summary>Everything done with one API token: "this token leaked".</summary>
    ApiToken,
}

/// <summary>A scenario: whose access, over which UTC days (both included).</summary>
public sealed record AccessReportRequest(AccessReportScope Scope, Guid Id, DateOnly From, DateOnly To)
{
    public const int MaxDays = 400;

    /// <summary>Why the request cannot be answered, or null.</summary>
    public string? Refusal => Id == Guid.Empty ? "Choose whose access to report on."
        : To < From ? AuditFilter.EndsBeforeItStarts
        : To.DayNumber - From.DayNumber >= MaxDays ? $"Choose a window of at most {MaxDays} days; run several reports for longer."
        : null;
}

/// <summary>One audited action in the window.</summary>
public sealed record AccessReportRow(DateTime At, string Actor, string Action, Guid? ClientId, string? Client, string? SubjectType, Guid? SubjectId,
    string? IpAddress, bool ContentSeen);

/// <summary>
/// A consumer (client) the scenario touched: how many actions, whether anything was seen in clear (a document opened or downloaded, an
/// SSN revealed, a conversation read), and what of theirs the firm holds and how it is stored.
/// </summary>
public sealed record ConsumerTouched(Guid ClientId, string Name, string? Email, int Actions, bool ContentSeen, bool SsnOnFile, int Documents)
{
    /// <summary>Always encrypted at rest here: SSNs under Ssn:Keys, files under Storage:MasterKeys, neither key in the database.</summary>
    public string Storage => (SsnOnFile, Documents) switch
    {
        (false, 0) => "No SSN or documents held",
        (true, 0) => "SSN, encrypted (AES-256-GCM)",
        (false, var d) => $"{Plural.Of(d, "document")}, encrypted (AES-256-GCM)",
        (true, var d) => $"SSN and {Plural.Of(d, "document")}, encrypted (AES-256-GCM)",
    };
}

/// <summary>What the report found.</summary>
public sealed record AccessReport(AccessReportRequest Request, string Subject, IReadOnlyList<AccessReportRow> Rows, IReadOnlyList<ConsumerTouched> Consumers,
    bool Truncated, DateTime MadeAt)
{
    /// <summary>The FTC Safeguards Rule's notification threshold (16 CFR 314.4(j)): 500 consumers, notice within 30 days of discovery.</summary>
    public const int NoticeThreshold = 500;

    public bool ReachesNoticeThreshold => Consumers.Count >= NoticeThreshold;

    public int ConsumersSeenInClear => Consumers.Count(c => c.ContentSeen);
}

/// <summary>
/// Breach readiness: for a window, every audited view, download, SSN reveal, export and change by one staff member, to one client, or
/// with one API token, with the distinct consumers touched and how their data is held. Read from the hash-chained audit log.
/// </summary>
public sealed class AccessReportService(IDbContextFactory<TaxGeniusDbContext> dbFactory, AuditLog audit, TimeProvider timeProvider)
{
    /// <summary>At most this many rows are listed (the totals count them all).</summary>
    public const int MaxRows = 50_000;

    /// <summary>Actions that put a client's data in front of the actor in clear.</summary>
    public static readonly IReadOnlySet<string> ContentActions = new HashSet<string>(StringComparer.Ordinal)
    {
        AuditActions.DocumentViewed, AuditActions.DocumentDownloaded, AuditActions.SsnRevealed, AuditActions.MessageSsnRevealed,
        AuditActions.ConversationViewed, AuditActions.SignatureOriginalViewed, AuditActions.SignatureDocumentViewed,
    };

    public async Task<AccessReport> BuildAsync(AccessReportRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Refusal is { } refusal)
        {
            throw new ArgumentException(refusal, nameof(request));
        }

        var start = request.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = request.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.At >= start && e.At < end);
        entries = request.Scope switch
        {
            AccessReportScope.StaffMember => entries.Where(e => e.ActorId == request.Id),
            AccessReportScope.Client => entries.Where(e => e.SubjectUserId == request.Id),
            _ => entries.Where(e => e.ApiTokenId == request.Id),
        };

        var rows = await entries.OrderBy(e => e.At).ThenBy(e => e.Id).Take(MaxRows + 1)
            .Select(e => new { e.At, e.ActorEmail, e.Action, e.SubjectUserId, e.SubjectType, e.SubjectId, e.IpAddress })
            .ToListAsync(cancellationToken);
        var truncated = rows.Count > MaxRows;
        if (truncated)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        // Consumers are clients (and accounts that no longer exist: a disposed client's id still appears in the log).
        var touchedIds = rows.Where(r => r.SubjectUserId is not null).Select(r => r.SubjectUserId!.Value).Distinct().ToList();
        var people = new Dictionary<Guid, (string Name, string? Email, bool IsClient, bool Ssn, int Documents)>();
        foreach (var chunk in touchedIds.Chunk(500))
        {
            var found = await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id))
                .Select(u => new
                {
                    u.Id,
                    u.Email,
                    First = u.Profile != null ? u.Profile.FirstName : null,
                    Last = u.Profile != null ? u.Profile.LastName : null,
                    IsClient = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Client)),
                    Ssn = u.SsnEncrypted != null,
                    Documents = db.Documents.Count(d => d.UserId == u.Id),
                })
                .ToListAsync(cancellationToken);
            foreach (var p in found)
            {
                var name = $"{p.First} {p.Last}".Trim();
                people[p.Id] = (name.Length > 0 ? name : p.Email ?? p.Id.ToString(), p.Email, p.IsClient, p.Ssn, p.Documents);
            }
        }

        string? ClientName(Guid? id) => id is { } i ? people.TryGetValue(i, out var p) ? p.Name : "Account no longer held (disposed or deleted)" : null;
        var reportRows = rows.Select(r => new AccessReportRow(r.At, r.ActorEmail ?? "system", r.Action, r.SubjectUserId, ClientName(r.SubjectUserId),
            r.SubjectType, r.SubjectId, r.IpAddress, ContentActions.Contains(r.Action))).ToList();
        var consumers = reportRows.Where(r => r.ClientId is not null && (!people.TryGetValue(r.ClientId.Value, out var p) || p.IsClient))
            .GroupBy(r => r.ClientId!.Value)
            .Select(g =>
            {
                var held = people.TryGetValue(g.Key, out var p) ? p : ("Account no longer held (disposed or deleted)", null, true, false, 0);
                return new ConsumerTouched(g.Key, held.Name, held.Email, g.Count(), g.Any(r => r.ContentSeen), held.Ssn, held.Documents);
            })
            .OrderByDescending(c => c.ContentSeen).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new AccessReport(request, await SubjectAsync(db, request, cancellationToken), reportRows, consumers, truncated,
            timeProvider.GetUtcNow().UtcDateTime);
    }

    /// <summary>Whom a report can follow, by name, e-mail or (tokens) name or prefix: at most ten, for the picker.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Label)>> FindAsync(AccessReportScope scope, string? search, CancellationToken cancellationToken = default)
    {
        if (Common.SearchText.Normalize(search) is not { } term)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (scope == AccessReportScope.ApiToken)
        {
            var tokens = await db.ApiTokens.AsNoTracking()
                .Where(t => t.Name.ToUpper().Contains(term.ToUpperInvariant()) || t.Prefix.ToUpper().Contains(term.ToUpperInvariant())
                            || t.User!.NormalizedEmail!.Contains(term.ToUpperInvariant()))
                .OrderByDescending(t => t.CreatedAt).Take(10).Select(t => new { t.Id, t.Name, t.Prefix, Owner = t.User!.Email }).ToListAsync(cancellationToken);
            return tokens.Select(t => (t.Id, $"{t.Name} ({t.Prefix}…, {t.Owner})")).ToList();
        }

        string[] roles = scope == AccessReportScope.Client ? [Roles.Client] : [Roles.Preparer, Roles.Admin];
        var users = await db.Users.AsNoTracking().Where(UserSearch.Matches(term)).Where(UsersInRole.Any(db, roles))
            .OrderBy(u => u.Email).Take(10)
            .Select(u => new { u.Id, u.Email, Name = u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : null })
            .ToListAsync(cancellationToken);
        return users.Select(u => (u.Id, string.IsNullOrWhiteSpace(u.Name) ? u.Email ?? u.Id.ToString() : $"{u.Name!.Trim()} ({u.Email})")).ToList();
    }

    /// <summary>Records that an admin took the report out of the app (it names clients).</summary>
    public Task RecordExportAsync(AuditActor actor, AccessReport report, string format, CancellationToken cancellationToken = default) =>
        audit.WriteAsync(actor, AuditActions.AccessReportExported, "AccessReport", report.Request.Id, null,
            $"{format}: {report.Subject}, {report.Request.From:yyyy-MM-dd}–{report.Request.To:yyyy-MM-dd}, {Plural.Of(report.Consumers.Count, "consumer")}",
            cancellationToken);

    public static readonly IReadOnlyList<string> CsvHeader =
        ["At (UTC)", "Actor", "Action", "Client", "Client id", "Subject type", "Subject id", "IP address", "Content seen in clear"];

    public static readonly IReadOnlyList<string> ConsumersCsvHeader = ["Client", "Client id", "E-mail", "Actions", "Content seen in clear", "Held by the firm", "", "", ""];

    /// <summary>The report as CSV: the totals, every consumer touched, then every action (every record nine fields, as RFC 4180 wants).</summary>
    public static async Task WriteCsvAsync(AccessReport report, Stream destination, CancellationToken cancellationToken = default)
    {
        await using var writer = CsvWriter.Utf8(destination);
        var csv = new CsvWriter(writer);
        await csv.WriteRecordAsync(["Access report", report.Subject, $"{report.Request.From:yyyy-MM-dd}", $"{report.Request.To:yyyy-MM-dd}",
            $"{Plural.Of(report.Consumers.Count, "consumer")} touched", $"{report.ConsumersSeenInClear} seen in clear", "", "", ""], cancellationToken);
        await csv.WriteRecordAsync([.. ConsumersCsvHeader], cancellationToken);
        foreach (var c in report.Consumers)
        {
            await csv.WriteRecordAsync([c.Name, c.ClientId.ToString(), c.Email ?? "", c.Actions.ToString(CultureInfo.InvariantCulture),
                c.ContentSeen ? "yes" : "no", c.Storage, "", "", ""], cancellationToken);
        }

        await csv.WriteRecordAsync([.. CsvHeader], cancellationToken);
        foreach (var r in report.Rows)
        {
            await csv.WriteRecordAsync([r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Actor, r.Action, r.Client ?? "",
                r.ClientId?.ToString() ?? "", r.SubjectType ?? "", r.SubjectId?.ToString() ?? "", r.IpAddress ?? "", r.ContentSeen ? "yes" : "no"],
                cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The report as a PDF: the scenario, the totals and the threshold, the consumers, then the actions.</summary>
    public static byte[] ToPdf(AccessReport report)
    {
        using var pdf = new ReportPdf("Access report", report.MadeAt);
        pdf.Facts(
        [
            ("Scope", report.Subject),
            ("Window", $"{report.Request.From:yyyy-MM-dd} to {report.Request.To:yyyy-MM-dd} (UTC days, both included)"),
            ("Actions", report.Rows.Count.ToString(CultureInfo.InvariantCulture) + (report.Truncated ? $" (first {MaxRows} listed)" : "")),
            ("Consumers touched", report.Consumers.Count.ToString(CultureInfo.InvariantCulture)),
            ("Consumers whose information was seen in clear", report.ConsumersSeenInClear.ToString(CultureInfo.InvariantCulture)),
        ]);
        if (report.ReachesNoticeThreshold)
        {
            pdf.Paragraph($"This scenario reaches {report.Consumers.Count} consumers, at or above the FTC Safeguards Rule's threshold of " +
                $"{AccessReport.NoticeThreshold} (16 CFR 314.4(j)): if their unencrypted information was acquired without authorization, notify " +
                "the FTC as soon as possible and no later than 30 days after discovery.");
        }

        pdf.Paragraph("SSNs and documents are encrypted at rest (AES-256-GCM) with keys kept outside the database. 'Seen in clear' means the " +
            "actor opened, downloaded or revealed that consumer's information through the app.");
        pdf.Heading("Consumers touched");
        pdf.Table(["Client", "E-mail", "Actions", "Seen in clear", "Held by the firm"], [0.22, 0.26, 0.08, 0.1, 0.34],
            report.Consumers.Select(c => (IReadOnlyList<string>)[c.Name, c.Email ?? "", c.Actions.ToString(CultureInfo.InvariantCulture),
                c.ContentSeen ? "yes" : "no", c.Storage]));
        pdf.Heading("Actions");
        pdf.Table(["At (UTC)", "Actor", "Action", "Client", "IP address"], [0.18, 0.24, 0.2, 0.24, 0.14],
            report.Rows.Select(r => (IReadOnlyList<string>)[r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Actor, r.Action,
                r.Client ?? "", r.IpAddress ?? ""]));
        return pdf.ToBytes();
    }

    private static async Task<string> SubjectAsync(TaxGeniusDbContext db, AccessReportRequest request, CancellationToken cancellationToken)
    {
        if (request.Scope == AccessReportScope.ApiToken)
        {
            var token = await db.ApiTokens.AsNoTracking().Where(t => t.Id == request.Id).Select(t => new { t.Name, Owner = t.User!.Email })
                .FirstOrDefaultAsync(cancellationToken);
            return token is null ? $"API token {request.Id}" : $"API token \"{token.Name}\" of {token.Owner}";
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == request.Id).Select(u => new { u.Email }).FirstOrDefaultAsync(cancellationToken);
        var who = user?.Email ?? $"account {request.Id} (no longer held)";
        return request.Scope == AccessReportScope.StaffMember ? $"Staff member {who}" : $"Client {who}";
    }
}
