using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Compliance;

/// <summary>Breach readiness: an access report lists exactly what one person (or token) did to whom, in the window asked for.</summary>
public sealed class AccessReportTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_preparers_window_lists_exactly_the_clients_they_touched(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var preparer = await MessagingServices.UserAsync(database, "pat@example.test", Roles.Preparer, "Pat");
        var other = await MessagingServices.UserAsync(database, "quinn@example.test", Roles.Preparer, "Quinn");
        var ana = await MessagingServices.ClientAsync(database, "ana@example.test", "Ana");
        var ben = await MessagingServices.ClientAsync(database, "ben@example.test", "Ben");
        var cleo = await MessagingServices.ClientAsync(database, "cleo@example.test", "Cleo");
        var dora = await MessagingServices.ClientAsync(database, "dora@example.test", "Dora");
        var audit = new AuditLog(database.Factory, clock);
        var pat = new AuditActor(preparer, "pat@example.test", "203.0.113.5");

        await audit.WriteAsync(pat, AuditActions.DocumentViewed, "Document", Guid.NewGuid(), dora); // 9 March: before the window
        clock.Advance(TimeSpan.FromDays(1));
        await audit.WriteAsync(pat, AuditActions.DocumentViewed, "Document", Guid.NewGuid(), ana);
        await audit.WriteAsync(pat, AuditActions.DocumentStatusChanged, "Document", Guid.NewGuid(), ana);
        await audit.WriteAsync(pat, AuditActions.DocumentClaimed, "Document", Guid.NewGuid(), ben);
        await audit.WriteAsync(new AuditActor(other, "quinn@example.test", null), AuditActions.SsnRevealed, "User", cleo, cleo);
        await audit.WriteAsync(pat, AuditActions.UserRoleChanged, "User", other, other); // staff, not a consumer
        clock.Advance(TimeSpan.FromDays(1));
        await audit.WriteAsync(pat, AuditActions.SsnRevealed, "User", ben, ben);
        clock.Advance(TimeSpan.FromDays(3));
        await audit.WriteAsync(pat, AuditActions.DocumentDownloaded, "Document", Guid.NewGuid(), dora); // 15 March: after it

        var service = new AccessReportService(database.Factory, audit, clock);
        var report = await service.BuildAsync(new AccessReportRequest(AccessReportScope.StaffMember, preparer, new DateOnly(2026, 3, 11), new DateOnly(2026, 3, 13)));

        Assert.Equal(5, report.Rows.Count);
        Assert.All(report.Rows, r => Assert.Equal("pat@example.test", r.Actor));
        Assert.Equal(new[] { ana, ben }.Order(), report.Consumers.Select(c => c.ClientId).Order());
        Assert.All(report.Consumers, c => Assert.True(c.ContentSeen)); // Ana's document opened, Ben's SSN revealed
        Assert.Equal(2, report.Consumers.Single(c => c.ClientId == ana).Actions);
        Assert.False(report.ReachesNoticeThreshold);
        Assert.Equal("Staff member pat@example.test", report.Subject);

        var client = await service.BuildAsync(new AccessReportRequest(AccessReportScope.Client, cleo, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)));
        Assert.Equal("quinn@example.test", Assert.Single(client.Rows).Actor);

        // CSV and PDF carry the same scenario.
        using var csv = new MemoryStream();
        await AccessReportService.WriteCsvAsync(report, csv);
        var text = System.Text.Encoding.UTF8.GetString(csv.ToArray());
        Assert.Contains("ana@example.test", text);
        Assert.DoesNotContain("cleo@example.test", text);
        Assert.DoesNotContain("dora@example.test", text);
        var pdf = AccessReportService.ToPdf(report);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
    }

    [Fact]
    public async Task An_api_tokens_report_and_the_notice_threshold()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, clock);
        var admin = await MessagingServices.UserAsync(database, "admin@example.test", Roles.Admin, "Ada");
        var token = Guid.NewGuid();
        var audit = new AuditLog(database.Factory, clock);
        var viaToken = new AuditActor(admin, "admin@example.test", "198.51.100.7", IsAdmin: true, ApiTokenId: token);
        var clients = new List<Guid>();
        for (var i = 0; i < AccessReport.NoticeThreshold; i++)
        {
            clients.Add(await MessagingServices.ClientAsync(database, $"c{i}@example.test", $"C{i}"));
        }

        foreach (var client in clients)
        {
            await audit.WriteAsync(viaToken, AuditActions.DocumentDownloaded, "Document", Guid.NewGuid(), client);
        }

        await audit.WriteAsync(new AuditActor(admin, "admin@example.test", null), AuditActions.DocumentViewed, "Document", Guid.NewGuid(), clients[0]);

        var report = await new AccessReportService(database.Factory, audit, clock)
            .BuildAsync(new AccessReportRequest(AccessReportScope.ApiToken, token, new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 10)));

        Assert.Equal(AccessReport.NoticeThreshold, report.Rows.Count);
        Assert.Equal(AccessReport.NoticeThreshold, report.Consumers.Count);
        Assert.True(report.ReachesNoticeThreshold);
    }

    [Theory]
    [InlineData(2026, 3, 10, 2026, 3, 9, "ends before it starts")]
    [InlineData(2025, 1, 1, 2026, 3, 9, "at most 400 days")]
    public void A_window_that_cannot_be_answered_is_refused_with_a_reason(int fy, int fm, int fd, int ty, int tm, int td, string reason) =>
        Assert.Contains(reason, new AccessReportRequest(AccessReportScope.Client, Guid.NewGuid(), new DateOnly(fy, fm, fd), new DateOnly(ty, tm, td)).Refusal);
}
