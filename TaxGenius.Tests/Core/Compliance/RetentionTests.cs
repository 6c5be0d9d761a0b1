using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Compliance.Retention;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Security;
using TaxGenius.Core.Settings;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Compliance;

/// <summary>
/// Retention and disposal on both providers with a fake clock: who is proposed (and who never is), and what approval removes, leaves
/// and certifies.
/// </summary>
public sealed class RetentionTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Due_clients_are_proposed_held_and_open_ones_never_and_approval_disposes_with_a_certificate(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        await using var app = provider == DatabaseProvider.Postgres
            ? await TaxGeniusAppFactory.CreateAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock))
            : TaxGeniusAppFactory.CreateEmbedded(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        app.StartServer();
        var retention = app.Services.GetRequiredService<RetentionService>();
        var store = app.Services.GetRequiredService<EncryptedFileStore>();
        var admin = new AuditActor(await app.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, "203.0.113.1", IsAdmin: true);

        // Four clients whose last return closed today; a fifth signs up two years later.
        var ada = await ClientWithClosedReturnAsync(app, "ada.due@example.test", "Ada", clock);
        await app.Services.GetRequiredService<SsnService>().SetAsync(ada, "123-45-6789");
        var upload = await app.Services.GetRequiredService<ClientDocumentService>().UploadAsync(ada,
            new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SampleFiles.Pdf("W-2 (sample)")));
        Assert.True(upload.Succeeded, upload.Error);
        string storageKey;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            storageKey = await db.Documents.Where(d => d.Id == upload.Document!.Id).Select(d => d.StorageKey).SingleAsync();
        }

        Assert.True(await store.ExistsAsync(storageKey));
        var held = await ClientWithClosedReturnAsync(app, "hal.held@example.test", "Hal", clock);
        Assert.Null(await retention.SetHoldAsync(admin, held, "IRS examination of 2025"));
        var open = await ClientWithClosedReturnAsync(app, "oli.open@example.test", "Oli", clock);
        await AddEngagementAsync(app, open, 2026, EngagementStage.InPreparation, clock);

        // Two years minus a day: nobody is due.
        clock.Advance(TimeSpan.FromDays(730 - 1));
        Assert.Equal(0, await retention.ProposeDueAsync());
        var recent = await ClientWithClosedReturnAsync(app, "rae.recent@example.test", "Rae", clock);

        // Two years and a day after Ada's last return closed, she is proposed; the held, the open and the recent client are not.
        // (The demo data's clients without an open return are due too; this test looks at its own.)
        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await retention.ProposeDueAsync() >= 1);
        Assert.Equal(0, await retention.ProposeDueAsync()); // not proposed twice
        var proposed = (await retention.ProposalsAsync()).Select(p => p.Disposal.ClientId).ToList();
        Assert.Contains(ada, proposed);
        Assert.DoesNotContain(held, proposed);
        Assert.DoesNotContain(open, proposed);
        Assert.DoesNotContain(recent, proposed);
        var proposal = Assert.Single(await retention.ProposalsAsync(), p => p.Disposal.ClientId == ada);
        Assert.Equal((ada, DisposalReason.RetentionExpired, "Ada Tester", (string?)null),
            (proposal.Disposal.ClientId, proposal.Disposal.Reason, proposal.ClientName, proposal.Blocker));

        // The open client asks for closure: proposed, but blocked while the return is not done, so approval skips them.
        Assert.True(await retention.RequestClosureAsync(new AuditActor(open, "oli.open@example.test", null)));
        Assert.False(await retention.RequestClosureAsync(new AuditActor(open, "oli.open@example.test", null)));
        var blocked = Assert.Single(await retention.ProposalsAsync(), p => p.Disposal.ClientId == open);
        Assert.Equal("The 2026 return is not done yet.", blocked.Blocker);

        // Only an administrator may approve.
        var refused = await retention.ApproveAsync(new AuditActor(recent, "rae.recent@example.test", null), [proposal.Disposal.Id]);
        Assert.False(refused.Succeeded);

        var result = await retention.ApproveAsync(admin, [proposal.Disposal.Id, blocked.Disposal.Id]);
        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Disposed);
        Assert.Equal(["The 2026 return is not done yet."], result.Skipped);

        // Ada's account, SSN, profile and documents are gone; the stored object is gone (crypto-shredded first).
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.Users.AnyAsync(u => u.Id == ada));
            Assert.False(await db.Profiles.AnyAsync(p => p.UserId == ada));
            Assert.False(await db.Documents.AnyAsync(d => d.UserId == ada));
            Assert.False(await db.Engagements.AnyAsync(e => e.ClientId == ada));
            Assert.True(await db.Users.AnyAsync(u => u.Id == held));
            Assert.True(await db.Users.AnyAsync(u => u.Id == open));
            var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.ClientDisposed);
            Assert.Equal(ada, entry.SubjectUserId);
            Assert.Contains("approved by " + DemoAccounts.Admin, entry.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("ada.due", entry.Detail, StringComparison.Ordinal);
        }

        Assert.False(await store.ExistsAsync(storageKey));

        // The tombstone and its certificate: counts and dates, no name, no e-mail.
        var tombstone = Assert.Single(await retention.DisposedAsync());
        Assert.Equal((1, 1, true, true), (tombstone.Documents, tombstone.Engagements, tombstone.HadSsn, tombstone.HadProfile));
        var csv = DisposalCertificate.Csv(tombstone);
        Assert.Equal(tombstone.CertificateSha256, TaxGenius.Core.Common.SecretHash.Of(csv));
        Assert.Contains("Documents removed (crypto-shredded),1", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("ada.due", csv, StringComparison.Ordinal);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(DisposalCertificate.Pdf(tombstone), 0, 5));

        // Releasing the hold makes the held client due at the next check.
        Assert.Null(await retention.ReleaseHoldAsync(admin, held));
        Assert.Equal(1, await retention.ProposeDueAsync());
        Assert.Contains(await retention.ProposalsAsync(), p => p.Disposal.ClientId == held);
    }

    [Fact]
    public async Task An_approved_disposal_resumed_twice_at_once_is_carried_out_once()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        app.StartServer();
        var retention = app.Services.GetRequiredService<RetentionService>();
        var client = await ReferralProgramTests.RegisterAsync(app, "cass.closing@example.test", "Cass", "Closing", null);
        Assert.True(await retention.RequestClosureAsync(new AuditActor(client, "cass.closing@example.test", null)));
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        var adminId = await app.UserIdAsync(DemoAccounts.Admin);
        await using (var db = await factory.CreateDbContextAsync())
        {
            // As a crash would leave it: approved, not yet carried out.
            await db.Disposals.Where(d => d.ClientId == client).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DisposalStatus.Approved)
                .SetProperty(d => d.DecidedById, adminId).SetProperty(d => d.DecidedByEmail, DemoAccounts.Admin));
        }

        await Task.WhenAll(retention.ResumeApprovedAsync(), retention.ResumeApprovedAsync());

        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ClientDisposed && e.SubjectUserId == client));
            var tombstone = await db.Disposals.SingleAsync(d => d.ClientId == client);
            Assert.Equal((DisposalStatus.Disposed, true), (tombstone.Status, tombstone.HadProfile));
            Assert.False(await db.Users.AnyAsync(u => u.Id == client));
        }
    }

    [Fact]
    public void Keeping_data_longer_than_two_years_needs_a_reason() => Assert.Multiple(
        () => Assert.Contains("needs a reason", FirmSettingsService.RetentionRefusal(3, " ")),
        () => Assert.Null(FirmSettingsService.RetentionRefusal(3, "IRC §6107: copies of returns kept 3 years")),
        () => Assert.Null(FirmSettingsService.RetentionRefusal(2, null)),
        () => Assert.Contains("between 1 and", FirmSettingsService.RetentionRefusal(0, null)));

    private static async Task<Guid> ClientWithClosedReturnAsync(TaxGeniusAppFactory app, string email, string first, TimeProvider clock)
    {
        var id = await ReferralProgramTests.RegisterAsync(app, email, first, "Tester", null);
        await AddEngagementAsync(app, id, 2025, EngagementStage.Done, clock);
        return id;
    }

    private static async Task AddEngagementAsync(TaxGeniusAppFactory app, Guid clientId, int year, EngagementStage stage, TimeProvider clock)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        db.Engagements.Add(new Engagement
        {
            ClientId = clientId, TaxYear = year, Stage = stage, StageChangedAt = clock.GetUtcNow().UtcDateTime, DueDate = new DateOnly(year + 1, 4, 15),
        });
        await db.SaveChangesAsync();
    }
}
