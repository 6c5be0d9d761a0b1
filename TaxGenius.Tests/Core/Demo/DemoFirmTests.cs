using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Recognition;
using TaxGenius.Core.Referrals;
using TaxGenius.Core.Security;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace TaxGenius.Tests.Core.Demo;

/// <summary>The embedded default's demo firm: the same seed gives the same firm, it covers every state, and Production never gets it.</summary>
public sealed class DemoFirmTests
{
    private static readonly DateTime Now = new(2026, 3, 10, 15, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void The_plan_is_a_function_of_its_seed_and_covers_every_state()
    {
        var first = DemoFirmPlan.Create(DemoFirmSeeder.DefaultSeed, DemoFirmSeeder.DefaultClients, 2025, Now);
        var again = DemoFirmPlan.Create(DemoFirmSeeder.DefaultSeed, DemoFirmSeeder.DefaultClients, 2025, Now);
        var other = DemoFirmPlan.Create(DemoFirmSeeder.DefaultSeed + 1, DemoFirmSeeder.DefaultClients, 2025, Now);

        Assert.Equal(Snapshot(first), Snapshot(again));
        Assert.NotEqual(Snapshot(first), Snapshot(other));

        Assert.Equal(58, first.People.Count(p => p.Role == Roles.Client));
        Assert.Equal(2, first.People.Count(p => p.Role == Roles.Preparer));
        Assert.Equal(3, first.People.Count(p => p.Role == Roles.Referrer));
        Assert.Equal(first.People.Count, first.People.Select(p => p.Email).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.InRange(first.Documents.Count, 350, 450);
        Assert.Equal(Enum.GetValues<DocumentStatus>().Order(), first.Documents.Select(d => d.Status).Distinct().Order());
        Assert.Equal(Enum.GetValues<DocumentType>().Order(), first.Documents.Select(d => d.Type).Distinct().Order());
        Assert.Equal(EngagementStages.Board.Order(), first.Engagements.Where(e => e.TaxYear == 2025).Select(e => e.Stage).Distinct().Order());
        Assert.Contains(first.Engagements, e => e.TaxYear == 2024);
        Assert.Equal(Enum.GetValues<ReferralStatus>().Order(), first.Referrals.Select(r => r.Status).Distinct().Order());
        Assert.All(first.Documents.Where(d => d.Status == DocumentStatus.Rejected), d => Assert.False(string.IsNullOrWhiteSpace(d.RejectionReason)));
        Assert.All(first.Documents, d => Assert.True(d.UploadedAt <= Now, $"{d.FileName} is uploaded in the future"));

        // One client filed their 1099-INT as a W-2: recognition reads a 1099-INT and flags it for the preparer ("Needs a check" in the
        // queue had nothing to show on the demo), and the firm still asks for that 1099-INT.
        var misfiled = Assert.Single(first.Documents, d => d.Type == DocumentType.W2 && d.FileName.StartsWith("1099-int-", StringComparison.Ordinal));
        Assert.Equal(DocumentStatus.Pending, misfiled.Status);
        Assert.DoesNotContain(first.RequestItems, i => i.DocumentId == misfiled.Id);
        using (var pdf = new MemoryStream(misfiled.Content()))
        {
            var read = Recognizer.Recognize(PdfTextReader.Read(pdf), 2026, TextSource.PdfText);
            Assert.Equal(FormKind.Form1099Int, read.Kind);
            var recognition = new DocumentRecognition { Status = RecognitionStatus.Done, Kind = read.Kind, Confidence = read.Confidence, TaxYear = read.TaxYear };
            Assert.True(RecognitionSuggestion.NeedsCheck(misfiled.Type, misfiled.TaxYear, recognition));
            Assert.Equal("This looks like a 1099-INT for 2025 — you chose W-2 for 2025.",
                RecognitionSuggestion.For(misfiled.Type, misfiled.TaxYear, recognition, [2025, 2026])?.Message);
        }

        // Every referrer's link was clicked: once before each sign-up through it, and by more people than signed up.
        Assert.All(first.Referrals.GroupBy(r => r.ReferrerEmail), referrals =>
        {
            var clicks = first.Clicks.Where(c => c.ReferrerEmail == referrals.Key).ToList();
            Assert.True(clicks.Count > referrals.Count(r => r.Source == ReferralSource.Link), $"{referrals.Key}: {clicks.Count} clicks");
            Assert.All(referrals.Where(r => r.Source == ReferralSource.Link), r => Assert.Contains(clicks, c => c.At < r.ReferredAt));
        });
        Assert.All(first.Clicks, c => Assert.True(c.At < Now, $"a click at {c.At:O} is in the future"));

        // A referrer paid other than the default earned each commission at their own rate.
        Assert.NotEmpty(first.CommissionRates);
        Assert.All(first.Referrals.Where(r => r.Status != ReferralStatus.Pending), r =>
            Assert.Equal(first.CommissionRates.GetValueOrDefault(r.ReferrerEmail, 50.00m), r.Commission));

        // No real SSNs: every number is in the 900-999 area, which the SSA never issues, and the validator refuses from people.
        var ssns = first.People.Where(p => p.Ssn is not null).Select(p => p.Ssn!).ToList();
        Assert.NotEmpty(ssns);
        Assert.All(ssns, ssn => Assert.StartsWith("9", ssn, StringComparison.Ordinal));
        Assert.All(ssns, ssn => Assert.False(SsnValidator.Validate(ssn).IsValid));

        // A month of audit history, oldest first.
        Assert.InRange((Now - first.Audit.Min(a => a.At)).TotalDays, 25, 32);
        Assert.Equal(first.Audit.OrderBy(a => a.At).Select(a => a.At), first.Audit.Select(a => a.At));
    }

    [Theory]
    [InlineData(DemoFirmSeeder.DefaultSeed, 5)]
    [InlineData(DemoFirmSeeder.DefaultSeed, 15)]
    [InlineData(DemoFirmSeeder.DefaultSeed, 23)]
    [InlineData(16, 5)]
    [InlineData(87, 5)]
    public void Nothing_in_the_firm_happens_after_now_and_each_return_and_conversation_happened_in_order(int seed, int hour)
    {
        // Seeds 16 and 87 at 5:00 had a conversation that went on after now: a reply read, or a follow-up sent, later that day. Other
        // seeds are real: the benchmark firm takes --seed, and each slice of it is planned from the seed plus its first client.
        var now = Now.Date.AddHours(hour);
        var plan = DemoFirmPlan.Create(seed, DemoFirmSeeder.DefaultClients, 2025, now);

        Assert.All(plan.Engagements, e =>
        {
            var moves = e.History.Select(h => h.At).ToList();
            Assert.Equal(moves.Order(), moves);
            Assert.All(moves, at => Assert.InRange(at, e.OpenedAt, now));
            Assert.Equal(moves.Count > 0 ? moves[^1] : e.OpenedAt, e.StageChangedAt);
            if (e.RequestedAt is { } requested)
            {
                Assert.Equal(moves[0], requested);
            }
        });
        Assert.All(plan.Conversations.SelectMany(c => c.Messages.Select((m, i) => (m, Previous: i == 0 ? null : c.Messages[i - 1]))), x =>
        {
            Assert.InRange(x.m.SentAt, x.Previous?.SentAt ?? DateTime.MinValue, now);
            Assert.InRange(x.m.ReadAt ?? now, x.m.SentAt, now);
        });
        Assert.All(plan.Documents, d => Assert.True(d.UploadedAt <= now, $"{d.FileName} uploaded {d.UploadedAt:O}"));
        Assert.All(plan.RequestItems, i => Assert.True(i.ResolvedAt is null || i.ResolvedAt <= now));
        Assert.All(plan.People, p => Assert.True(p.JoinedAt <= now));
        Assert.All(plan.Referrals, r => Assert.True(r.ReferredAt <= now && !(r.SignedUpAt > now) && !(r.ConvertedAt > now)));
        Assert.All(plan.Clicks, c => Assert.True(c.At <= now));
        Assert.All(plan.Audit, a => Assert.True(a.At <= now));
    }

    [Fact]
    public void Documents_are_claimed_and_finished_after_upload_never_after_now_and_sooner_for_a_photo_ID_than_a_prior_return()
    {
        var plan = DemoFirmPlan.Create(DemoFirmSeeder.DefaultSeed, DemoFirmSeeder.DefaultClients, 2025, Now);
        var times = plan.Documents.Select(d => (d.Type, d.UploadedAt, Times: DemoFirmSeeder.ReviewTimes(d, Now))).ToList();

        Assert.All(times, t => Assert.True(t.UploadedAt <= t.Times.Claimed && t.Times.Claimed <= t.Times.Reviewed && t.Times.Reviewed <= Now,
            $"{t.Type} uploaded {t.UploadedAt:O}: claimed {t.Times.Claimed:O}, reviewed {t.Times.Reviewed:O}"));

        // The admin's turnaround by type is a chart worth reading: the averages differ, a photo ID is quickest, a prior-year return slowest.
        var hours = times.GroupBy(t => t.Type).ToDictionary(g => g.Key, g => g.Average(t => (t.Times.Reviewed - t.UploadedAt).TotalHours));
        Assert.Equal(DocumentType.Id, hours.MinBy(h => h.Value).Key);
        Assert.Equal(DocumentType.TaxReturn, hours.MaxBy(h => h.Value).Key);
        Assert.Equal(hours.Count, hours.Values.Select(h => Math.Round(h)).Distinct().Count());
    }

    [Fact]
    public void Sample_W2s_are_real_PDFs_whose_text_reads_back_with_the_boxes()
    {
        var pdf = SampleTaxForms.W2(2025, "Olivia Garcia", "12 Oak St, Austin, TX 78701", "XXX-XX-1234", "Acme Corp", "1 Main St, Columbus, OH 43215",
            "31-1234567", 52_340.17m, 5_757.42m, "TX", 0m, "D  3,140.41");
        using var document = PdfDocument.Open(pdf);
        var text = document.GetPage(1).Text;
        Assert.Contains("Wage and Tax Statement", text, StringComparison.Ordinal);
        Assert.Contains("2025", text, StringComparison.Ordinal);
        Assert.Contains("31-1234567", text, StringComparison.Ordinal);
        Assert.Contains("52,340.17", text, StringComparison.Ordinal);
        Assert.Contains("XXX-XX-1234", text, StringComparison.Ordinal);

        var png = SampleTaxForms.PhotoId("TX", "Olivia", "Garcia", "12 Oak St, Austin", "01/02/1990", "D1234567", "01/2029", 3);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(png, SampleTaxForms.PhotoId("TX", "Olivia", "Garcia", "12 Oak St, Austin", "01/02/1990", "D1234567", "01/2029", 3));
    }

    [Fact]
    public async Task Two_fresh_embedded_installations_seed_the_same_firm_with_files_that_open()
    {
        var snapshots = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            await using var app = TaxGeniusAppFactory.CreateEmbedded(extra: new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Firm"] = "true" });
            app.StartServer();
            var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            snapshots.Add(await DatabaseSnapshotAsync(db));

            Assert.InRange(await db.Users.CountAsync(), 60, 80);
            Assert.InRange(await db.Documents.CountAsync(), 350, 450);
            Assert.True(await db.Payouts.AnyAsync(p => p.ReferralCount > 0), "The firm has a paid payout.");
            // Each referrer's link was clicked more often than people signed up through it, and their commissions were earned at their rate.
            var rates = app.Services.GetRequiredService<ReferrerRateService>();
            foreach (var referrerId in await db.Referrals.Select(r => r.ReferrerId).Distinct().ToListAsync())
            {
                Assert.True(await db.ReferralClicks.CountAsync(c => c.ReferrerId == referrerId)
                    > await db.Referrals.CountAsync(r => r.ReferrerId == referrerId && r.Source == ReferralSource.Link));
                var rate = await rates.GetRateAsync(referrerId);
                Assert.All(await db.Referrals.Where(r => r.ReferrerId == referrerId && r.Status != ReferralStatus.Pending).Select(r => r.Commission).ToListAsync(),
                    commission => Assert.Equal(rate, commission));
            }
            Assert.True(await db.Messages.CountAsync() > 30, "The firm has conversations.");
            Assert.True(await db.SignatureRequests.AnyAsync(), "Returns awaiting signature have a Form 8879 out.");
            Assert.True(await db.AuditEntries.CountAsync() > 200, "A month of audit history.");

            // Every document past PENDING, the demo client's included, was claimed by the preparer on it, after its upload; none is
            // dated in the future (the queue showed the demo client's 1099 PROCESSING with nobody on it).
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var reviewed = await db.Documents.AsNoTracking().Where(d => d.Status != DocumentStatus.Pending)
                .Select(d => new
                {
                    d.FileName, d.User!.Email, d.AssignedToId, d.CreatedAt,
                    Claims = db.DocumentStatusChanges.Where(c => c.DocumentId == d.Id && c.ToStatus == DocumentStatus.Processing)
                        .Select(c => new { c.ActorId, c.At }).ToList(),
                })
                .ToListAsync();
            Assert.Contains(reviewed, d => d.Email == DemoAccounts.Client);
            Assert.All(reviewed, d =>
            {
                Assert.NotNull(d.AssignedToId);
                var claim = Assert.Single(d.Claims);
                Assert.Equal(d.AssignedToId, claim.ActorId);
                Assert.InRange(claim.At, d.CreatedAt, now);
            });
            Assert.True(await db.Documents.AllAsync(d => d.CreatedAt <= now), "No document is uploaded in the future.");

            // The demo client's "recent activity" dates each document by its last change: her uploads and reviews are spread over the
            // last days, not all at the minute of seeding.
            var casey = await db.Documents.AsNoTracking().Where(d => d.User!.Email == DemoAccounts.Client)
                .Select(d => new { d.FileName, d.Type, d.CreatedAt, d.UpdatedAt, Last = db.DocumentStatusChanges.Where(c => c.DocumentId == d.Id).Max(c => (DateTime?)c.At) })
                .ToListAsync();
            Assert.Equal(3, casey.Count);
            Assert.All(casey, d => Assert.Equal(d.Last ?? d.CreatedAt, d.UpdatedAt));
            Assert.Equal(3, casey.Select(d => d.CreatedAt.Date).Distinct().Count());

            // Her conversation follows her documents (it was all dated at the minute of seeding): the welcome before her first upload,
            // her "My W-2 is up" after her W-2, each message read after it was sent, and the inbox dates the thread by its last entry.
            var said = await db.Messages.AsNoTracking().Where(m => m.Conversation!.Client!.Email == DemoAccounts.Client).OrderBy(m => m.SentAt)
                .Select(m => new { m.FromStaff, m.Kind, m.SentAt, m.ReadAt, m.Conversation!.LastMessageAt }).ToListAsync();
            Assert.Equal(3, said.Count);
            Assert.True(said[0].FromStaff && said[0].SentAt < casey.Min(d => d.CreatedAt), "The welcome came before her uploads.");
            Assert.True(!said[1].FromStaff && said[1].SentAt > casey.Single(d => d.Type == DocumentType.W2).CreatedAt, "Her answer came after her W-2.");
            Assert.All(said.Where(m => m.Kind == MessageKind.Message), m => Assert.InRange(m.ReadAt!.Value, m.SentAt, now));
            Assert.Equal(said[^1].SentAt, said[^1].LastMessageAt);

            // The files are stored encrypted like uploads and decrypt to what their row says.
            var store = app.Services.GetRequiredService<EncryptedFileStore>();
            foreach (var row in await db.Documents.AsNoTracking().OrderBy(d => d.Id).Take(5).ToListAsync())
            {
                await using var content = await store.OpenReadAsync(row.StorageKey);
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy);
                Assert.Equal(row.Sha256, Convert.ToHexStringLower(SHA256.HashData(copy.ToArray())));
            }

            // Seeding again finds the firm and adds nothing.
            using var scope = app.Services.CreateScope();
            Assert.Null(await scope.ServiceProvider.GetRequiredService<DemoFirmSeeder>().SeedAsync());
        }

        Assert.Equal(snapshots[0], snapshots[1]);
    }

    [Fact]
    public async Task Production_never_seeds_the_demo_firm_even_when_asked()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = "Production", ["Demo:Enabled"] = "true", ["Demo:Firm"] = "true",
        });
        app.StartServer();

        using var scope = app.Services.CreateScope();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<DemoFirmSeeder>().SeedAsync());
        Assert.Contains("Production", error.Message, StringComparison.Ordinal);
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Documents.CountAsync());
    }

    [Fact]
    public async Task The_benchmark_firm_is_written_in_slices_with_unique_people_on_PostgreSQL()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        app.StartServer();
        using var scope = app.Services.CreateScope();
        var summary = await scope.ServiceProvider.GetRequiredService<DemoFirmSeeder>().SeedBenchmarkAsync(1_500, slice: 600);

        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(1_500, summary.Clients);
        Assert.Equal(1_500 + 2, await db.UserRoles.CountAsync(r => db.Roles.Any(x => x.Id == r.RoleId && x.Name == Roles.Client)));
        Assert.Equal(summary.Documents, await db.Documents.CountAsync(d => d.User!.Email != DemoAccounts.Client));
        Assert.Equal(summary.Engagements, await db.Engagements.CountAsync(e => e.Client!.Email != DemoAccounts.Client));
        Assert.Equal(await db.Users.CountAsync(), await db.Users.Select(u => u.NormalizedEmail).Distinct().CountAsync());
        Assert.Equal(3, await db.UserRoles.CountAsync(r => db.Roles.Any(x => x.Id == r.RoleId && x.Name == Roles.Preparer)));
    }

    private static string Snapshot(DemoFirmPlan plan) => string.Join('\n',
        plan.People.Select(p => $"{p.Id} {p.Email} {p.Role} {p.FirstName} {p.LastName} {p.Ssn} {p.JoinedAt:O}")
            .Concat(plan.Engagements.Select(e => $"{e.Id} {e.ClientEmail} {e.TaxYear} {e.Stage} {e.PreparerEmail} {e.StageChangedAt:O}"))
            .Concat(plan.Documents.Select(d => $"{d.Id} {d.ClientEmail} {d.FileName} {d.Status} {d.UploadedAt:O} {Convert.ToHexString(SHA256.HashData(d.Content()))}"))
            .Concat(plan.RequestItems.Select(i => $"{i.EngagementId} {i.Description} {i.Status} {i.DocumentId}"))
            .Concat(plan.Referrals.Select(r => $"{r.Id} {r.ReferrerEmail} {r.ClientEmail} {r.Status} {r.Commission}"))
            .Concat(plan.Clicks.Select(c => $"{c.ReferrerEmail} {c.At:O}"))
            .Concat(plan.Conversations.SelectMany(c => c.Messages.Select(m => $"{c.ClientEmail} {m.Body} {m.SentAt:O}")))
            .Concat(plan.Audit.Select(a => $"{a.At:O} {a.ActorEmail} {a.Action} {a.SubjectId}")));

    /// <summary>What people see of the firm (generated rows only: the demo accounts' own ids are random per installation).</summary>
    private static async Task<string> DatabaseSnapshotAsync(TaxGeniusDbContext db)
    {
        var users = await db.Users.AsNoTracking().Where(u => u.Email!.EndsWith("@example.test") || u.Email!.EndsWith("@demo.taxgenius.test"))
            .Select(u => new { u.Email, u.Profile!.FirstName, u.Profile.LastName, u.Profile.City, HasSsn = u.SsnEncrypted != null })
            .OrderBy(u => u.Email).ToListAsync();
        var documents = await db.Documents.AsNoTracking()
            .Select(d => new { d.User!.Email, d.FileName, d.Type, d.Status, d.TaxYear, d.Sha256, d.FileSize, d.RejectionReason, Assigned = d.AssignedTo!.Email })
            .ToListAsync();
        var engagements = await db.Engagements.AsNoTracking()
            .Select(e => new { e.Client!.Email, e.TaxYear, e.Stage, Preparer = e.Preparer!.Email, e.Priority, Items = db.RequestItems.Count(i => i.EngagementId == e.Id) })
            .ToListAsync();
        var referrals = await db.Referrals.AsNoTracking().Select(r => new { Referrer = r.Referrer!.Email, r.ClientEmail, r.Status, r.Commission }).ToListAsync();
        var clicks = await (from c in db.ReferralClicks.AsNoTracking() join u in db.Users on c.ReferrerId equals u.Id select new { Referrer = u.Email, c.At })
            .ToListAsync();
        return string.Join('\n',
            users.Select(u => u.ToString())
                .Concat(documents.Select(d => d.ToString()).Order(StringComparer.Ordinal))
                .Concat(engagements.Select(e => e.ToString()).Order(StringComparer.Ordinal))
                .Concat(referrals.Select(r => r.ToString()).Order(StringComparer.Ordinal))
                .Concat(clicks.Select(c => c.ToString()).Order(StringComparer.Ordinal)));
    }
}
