using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Core.Documents;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Referrals;

/// <summary>
/// Payouts on both providers: exact batch totals, all-or-nothing refusal of rows that cannot be paid, concurrent payouts of the
/// same rows, the audit row, one e-mail per referrer with their amount, the CSV, and the admin's per-referrer rate.
/// </summary>
public sealed class PayoutTests
{
    private static readonly DateOnly PaidOn = new(2026, 11, 20);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_pays_exactly_the_sum_of_its_commissions_audits_it_and_emails_each_referrer_their_amount(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var payouts = app.Services.GetRequiredService<PayoutService>();
        var admin = await AdminAsync(app);
        var rita = await ReferralProgramTests.NewReferrerAsync(app, "rita.pay@example.test", "Rita", "Ray");
        var sam = await ReferralProgramTests.NewReferrerAsync(app, "sam.pay@example.test", "Sam", "Small");
        var ritaRows = await ConvertedAsync(app, rita, 50.00m, 1234.57m, 0.01m);
        // 0.1 has no exact binary representation: 500 of them drift in double, never in decimal.
        var samRows = await ConvertedAsync(app, sam, Enumerable.Repeat(0.10m, 500).ToArray());

        var unpaid = await payouts.GetUnpaidByReferrerAsync();
        var ritaGroup = Assert.Single(unpaid, g => g.ReferrerId == rita);
        Assert.Equal(("rita.pay@example.test", "Rita Ray", 3, 1284.58m), (ritaGroup.Email, ritaGroup.Name, ritaGroup.Count, ritaGroup.Total));
        Assert.Equal(50.00m, Assert.Single(unpaid, g => g.ReferrerId == sam).Total);
        // No client consented: the admin's list names no one.
        Assert.All(ritaGroup.Commissions, c => Assert.Null(c.ClientEmail ?? c.ClientName));

        var result = await payouts.RecordPayoutAsync(admin, [.. ritaRows, .. samRows], "  WIRE-2026-0042 ", PaidOn);

        Assert.True(result.Succeeded, result.Error);
        await using var db = await Factory(app).CreateDbContextAsync();
        var stored = await db.Payouts.AsNoTracking().SingleAsync(p => p.Id == result.Payout!.Id);
        Assert.Equal(1334.58m, stored.Total);
        Assert.Equal(503, stored.ReferralCount);
        Assert.Equal("WIRE-2026-0042", stored.Reference);
        Assert.Equal(PaidOn, stored.PaidOn);
        Assert.Equal(admin.UserId, stored.CreatedById);
        var paid = await db.Referrals.AsNoTracking().Where(r => r.ReferrerId == rita || r.ReferrerId == sam).ToListAsync();
        Assert.All(paid, r =>
        {
            Assert.Equal(ReferralStatus.Paid, r.Status);
            Assert.Equal(stored.Id, r.PayoutId);
            Assert.Equal(new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc), r.PaidAt);
        });
        Assert.Equal(1334.58m, paid.Sum(r => r.Commission));
        Assert.DoesNotContain(await payouts.GetUnpaidByReferrerAsync(), g => g.ReferrerId == rita || g.ReferrerId == sam);

        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AuditActions.PayoutRecorded);
        Assert.Equal((admin.UserId, "payout", stored.Id), (entry.ActorId!.Value, entry.SubjectType!, entry.SubjectId!.Value));
        Assert.Equal("$1,334.58 for 503 commissions to 2 referrers, paid on 2026-11-20, reference WIRE-2026-0042", entry.Detail);

        Assert.Equal(1, await db.QueuedEmails.CountAsync(e => e.To == "rita.pay@example.test" && e.Template == "commission-paid"));
        Assert.Equal(1, await db.QueuedEmails.CountAsync(e => e.To == "sam.pay@example.test" && e.Template == "commission-paid"));
        var ritaMail = await app.WaitForEmailAsync("rita.pay@example.test", "Your referral commission of $1,284.58 has been paid");
        Assert.Contains("Payment reference WIRE-2026-0042", ritaMail.TextBody, StringComparison.Ordinal);
        await app.WaitForEmailAsync("sam.pay@example.test", "Your referral commission of $50.00 has been paid");

        // The referrer's own numbers move from converted to paid.
        var stats = await ReferralProgram.From(app).Dashboard.GetStatsAsync(rita);
        Assert.Equal((0m, 1284.58m), (stats.CommissionConverted, stats.CommissionPaid));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_with_a_paid_or_unconverted_row_or_without_a_reference_is_refused_whole_and_nothing_changes(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var payouts = app.Services.GetRequiredService<PayoutService>();
        var admin = await AdminAsync(app);
        var rita = await ReferralProgramTests.NewReferrerAsync(app, "rita.refused@example.test", "Rita", "Ray");
        var converted = await ConvertedAsync(app, rita, 10.00m, 20.00m);
        var first = await payouts.RecordPayoutAsync(admin, [converted[0]], "FIRST", PaidOn);
        Assert.True(first.Succeeded, first.Error);
        Guid pending;
        await using (var db = await Factory(app).CreateDbContextAsync())
        {
            var row = new Referral { ReferrerId = rita, ClientEmail = "pending.client@example.test" };
            db.Referrals.Add(row);
            await db.SaveChangesAsync();
            pending = row.Id;
        }

        var attempts = new (IReadOnlyCollection<Guid> Ids, string? Reference, DateOnly On, string Error)[]
        {
            ([converted[0], converted[1]], "AGAIN", PaidOn, "1 of the selected commissions is already paid. Nothing was paid; reload and try again."),
            ([converted[1], pending], "PENDING", PaidOn, "1 of the selected referrals has not converted yet, so there is nothing to pay. Nothing was paid."),
            ([converted[1], Guid.CreateVersion7()], "GONE", PaidOn, "Some of the selected commissions no longer exist. Nothing was paid; reload and try again."),
            ([converted[1]], "   ", PaidOn, "Enter the payment's reference (1–100 characters), e.g. the bank transfer id."),
            ([converted[1]], new string('X', 101), PaidOn, "Enter the payment's reference (1–100 characters), e.g. the bank transfer id."),
            ([converted[1]], "FUTURE", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2), "The payment date cannot be in the future."),
            ([], "EMPTY", PaidOn, "Select at least one commission to pay."),
        };
        foreach (var (ids, reference, on, error) in attempts)
        {
            var refused = await payouts.RecordPayoutAsync(admin, ids, reference, on);
            Assert.False(refused.Succeeded, reference);
            Assert.Equal(error, refused.Error);
        }

        await using var read = await Factory(app).CreateDbContextAsync();
        Assert.Equal(1, await read.Payouts.CountAsync());
        var rows = await read.Referrals.AsNoTracking().Where(r => r.ReferrerId == rita).ToDictionaryAsync(r => r.Id);
        Assert.Equal((ReferralStatus.Paid, first.Payout!.Id), (rows[converted[0]].Status, rows[converted[0]].PayoutId!.Value));
        Assert.Equal((ReferralStatus.Converted, null, null), (rows[converted[1]].Status, rows[converted[1]].PayoutId, rows[converted[1]].PaidAt));
        Assert.Equal(ReferralStatus.Pending, rows[pending].Status);
        Assert.Equal(1, await read.AuditEntries.CountAsync(e => e.Action == AuditActions.PayoutRecorded));
        Assert.Equal(1, await read.QueuedEmails.CountAsync(e => e.To == "rita.refused@example.test" && e.Template == "commission-paid"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_admins_paying_the_same_rows_at_once_cannot_both_succeed(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var payouts = app.Services.GetRequiredService<PayoutService>();
        var admin = await AdminAsync(app);
        var rita = await ReferralProgramTests.NewReferrerAsync(app, "rita.race@example.test", "Rita", "Race");
        for (var round = 0; round < 3; round++)
        {
            var ids = await ConvertedAsync(app, rita, 25.00m, 75.25m);
            using var start = new SemaphoreSlim(0);
            var racers = Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                await start.WaitAsync();
                return await payouts.RecordPayoutAsync(admin, ids, $"RACE-{round}-{i}", PaidOn);
            })).ToList();
            start.Release(2);
            var results = await Task.WhenAll(racers);

            var winner = Assert.Single(results, r => r.Succeeded);
            var loser = Assert.Single(results, r => !r.Succeeded);
            Assert.Contains("Nothing was paid", loser.Error, StringComparison.Ordinal);
            await using var db = await Factory(app).CreateDbContextAsync();
            Assert.Equal(100.25m, (await db.Payouts.AsNoTracking().SingleAsync(p => p.Id == winner.Payout!.Id)).Total);
            Assert.All(await db.Referrals.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(), r => Assert.Equal(winner.Payout!.Id, r.PayoutId));
        }

        await using var read = await Factory(app).CreateDbContextAsync();
        Assert.Equal(3, await read.Payouts.CountAsync());
        Assert.Equal(3, await read.AuditEntries.CountAsync(e => e.Action == AuditActions.PayoutRecorded));
        Assert.Equal(3, await read.QueuedEmails.CountAsync(e => e.To == "rita.race@example.test" && e.Template == "commission-paid"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_csv_lists_each_paid_referral_and_a_totals_line_with_formulas_neutralized(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var payouts = app.Services.GetRequiredService<PayoutService>();
        var admin = await AdminAsync(app);
        var bea = await ReferralProgramTests.NewReferrerAsync(app, "bea.csv@example.test", "Bea", "Csv");
        var al = await ReferralProgramTests.NewReferrerAsync(app, "al.csv@example.test", "Al", "Csv");
        var beaRows = await ConvertedAsync(app, bea, 1234.57m);
        var alRows = await ConvertedAsync(app, al, 50.00m, 0.01m);
        var result = await payouts.RecordPayoutAsync(admin, [.. beaRows, .. alRows], "=SUM(A1),ref", PaidOn);
        Assert.True(result.Succeeded, result.Error);
        var id = result.Payout!.Id;

        await using var writer = new StringWriter();
        Assert.True(await payouts.WriteCsvAsync(id, writer));
        var lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        await using var db = await Factory(app).CreateDbContextAsync();
        var converted = await db.Referrals.AsNoTracking().Where(r => r.PayoutId == id).ToDictionaryAsync(r => r.Id, r => r.ConvertedAt!.Value);
        string Line(string email, Guid referral, string amount) =>
            $"{id},2026-11-20,\"'=SUM(A1),ref\",{email},{referral},{converted[referral]:yyyy-MM-dd'T'HH:mm:ss'Z'},{amount}";
        Assert.Equal(
        [
            "payout_id,paid_on,reference,referrer_email,referral_id,converted_at_utc,amount_usd",
            Line("al.csv@example.test", alRows[0], "50.00"),
            Line("al.csv@example.test", alRows[1], "0.01"),
            Line("bea.csv@example.test", beaRows[0], "1234.57"),
            $"{id},2026-11-20,\"'=SUM(A1),ref\",,TOTAL,,1284.58",
        ], lines);

        await using var none = new StringWriter();
        Assert.False(await payouts.WriteCsvAsync(Guid.CreateVersion7(), none));
        Assert.Equal("", none.ToString());
        Assert.Null(await payouts.GetPayoutAsync(Guid.CreateVersion7()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_sets_and_clears_a_referrers_rate_within_0_to_10000_with_cents_and_it_is_audited(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var payouts = app.Services.GetRequiredService<PayoutService>();
        var referrals = ReferralProgram.From(app);
        var admin = await AdminAsync(app);
        var rita = await ReferralProgramTests.NewReferrerAsync(app, "rita.rate@example.test", "Rita", "Rate");

        var before = Assert.Single(await referrals.Rates.GetReferrerRatesAsync(), r => r.ReferrerId == rita);
        Assert.Equal((50.00m, false, "Rita Rate"), (before.Rate, before.Overridden, before.Name));

        foreach (var (amount, error) in new (decimal, string)[]
                 {
                     (-0.01m, "A commission is between $0.00 and $10,000.00."),
                     (10_000.01m, "A commission is between $0.00 and $10,000.00."),
                     (12.345m, "A commission has at most two decimals (cents)."),
                 })
        {
            var refused = await referrals.Rates.SetRateAsync(admin, rita, amount);
            Assert.Equal((false, error), (refused.Succeeded, refused.Error));
        }

        Assert.Equal(50.00m, await referrals.Rates.GetRateAsync(rita));
        Assert.True((await referrals.Rates.SetRateAsync(admin, rita, 10_000.00m)).Succeeded);
        Assert.Equal(10_000.00m, await referrals.Rates.GetRateAsync(rita));
        Assert.True((await referrals.Rates.SetRateAsync(admin, rita, 0.00m)).Succeeded);
        Assert.Equal((0.00m, true), Assert.Single(await referrals.Rates.GetReferrerRatesAsync(), r => r.ReferrerId == rita) is var r0 ? (r0.Rate, r0.Overridden) : default);
        Assert.True((await referrals.Rates.SetRateAsync(admin, rita, null)).Succeeded);
        Assert.Equal((50.00m, false), Assert.Single(await referrals.Rates.GetReferrerRatesAsync(), r => r.ReferrerId == rita) is var r1 ? (r1.Rate, r1.Overridden) : default);
        Assert.Equal(50.00m, await referrals.Rates.GetRateAsync(rita));

        await using var db = await Factory(app).CreateDbContextAsync();
        var details = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ReferrerRateChanged && e.SubjectId == rita)
            .OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Detail).ToListAsync();
        Assert.Equal(
        [
            "rita.rate@example.test: default → $10,000.00",
            "rita.rate@example.test: $10,000.00 → $0.00",
            "rita.rate@example.test: $0.00 → default ($50.00)",
        ], details);
    }

    private static IDbContextFactory<TaxGeniusDbContext> Factory(TaxGeniusAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

    internal static async Task<AuditActor> AdminAsync(TaxGeniusAppFactory app)
    {
        await using var db = await Factory(app).CreateDbContextAsync();
        var id = await db.Users.Where(u => u.Email == DemoAccounts.Admin).Select(u => u.Id).SingleAsync();
        return new AuditActor(id, DemoAccounts.Admin, "203.0.113.7", IsAdmin: true);
    }

    /// <summary>Converted referrals of <paramref name="referrerId"/> with the given commissions, converted a minute apart; their ids in order.</summary>
    internal static async Task<IReadOnlyList<Guid>> ConvertedAsync(TaxGeniusAppFactory app, Guid referrerId, params decimal[] commissions)
    {
        await using var db = await Factory(app).CreateDbContextAsync();
        var start = DateTime.UtcNow.AddDays(-1);
        var rows = commissions.Select((amount, i) => new Referral
        {
            ReferrerId = referrerId,
            ClientEmail = $"client.{Guid.NewGuid():N}@example.test",
            Status = ReferralStatus.Converted,
            Commission = amount,
            ConvertedAt = new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddMinutes(i),
        }).ToList();
        db.Referrals.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(r => r.Id).ToList();
    }
}
