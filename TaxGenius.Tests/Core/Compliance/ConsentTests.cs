using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Compliance.Consents;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Core.Documents;
using TaxGenius.Tests.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Compliance;

/// <summary>§7216 consents: signed on their own screen with the exact text kept; revoked or expired, the referrer no longer sees the person anywhere.</summary>
public sealed class ConsentTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Revoking_removes_the_person_from_the_referrers_page_csv_and_next_email(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var consents = app.Services.GetRequiredService<ConsentService>();
        var referrerId = await ReferralProgramTests.NewReferrerAsync(app, "rita.revoke@example.test", "Rita", "Revoke");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        var sam = await ReferralProgramTests.RegisterAsync(app, "sam.signer@example.test", "Sam", "Signer", new RegistrationReferral(code, ReferralSource.Code, null));

        // Offered once, with the firm, the recipient, the duration and the mandatory statement; nothing shared yet.
        var offer = await consents.PendingOfferAsync(sam);
        Assert.NotNull(offer);
        Assert.Contains("Rita Revoke (rita.revoke@example.test)", offer.Text, StringComparison.Ordinal);
        Assert.Contains("valid for one year", offer.Text, StringComparison.Ordinal);
        Assert.Contains(ConsentService.MandatoryStatement, offer.Text, StringComparison.Ordinal);
        Assert.Null((await referrals.Dashboard.GetReferralsAsync(referrerId)).Single().ClientName);

        // Bad input is refused with a reason and writes nothing.
        var actor = new AuditActor(sam, "sam.signer@example.test", "203.0.113.30");
        Assert.Contains("Type your full name", (await consents.GrantAsync(sam, "  ", offer.TextHash, actor)).Error);
        Assert.Contains("text has changed", (await consents.GrantAsync(sam, "Sam Signer", "0000", actor)).Error);
        Assert.Empty(await consents.ListAsync(sam));

        Assert.True((await consents.GrantAsync(sam, "Sam Signer", offer.TextHash, actor)).Succeeded);
        Assert.Null(await consents.PendingOfferAsync(sam));
        var signed = Assert.Single(await consents.ListAsync(sam));
        Assert.Equal(("Sam Signer", ConsentService.ReferralTextVersion, TaxGenius.Core.Common.SecretHash.Of(signed.Text)), (signed.SignedName, ConsentService.ReferralTextVersion, signed.TextHash));
        Assert.True(signed.InForce);
        Assert.Equal("Sam Signer", (await referrals.Dashboard.GetReferralsAsync(referrerId)).Single().ClientName);
        Assert.Contains("sam.signer@example.test", await ReferralProgramTests.CsvAsync(referrals, referrerId), StringComparison.Ordinal);

        // Someone else cannot revoke it; Sam can.
        Assert.False(await consents.RevokeAsync(referrerId, signed.Id, new AuditActor(referrerId, null, null)));
        Assert.True(await consents.RevokeAsync(sam, signed.Id, actor));
        Assert.False(await consents.RevokeAsync(sam, signed.Id, actor));

        var row = (await referrals.Dashboard.GetReferralsAsync(referrerId)).Single();
        Assert.Null(row.ClientName);
        Assert.Null(row.ClientEmail);
        var csv = await ReferralProgramTests.CsvAsync(referrals, referrerId);
        Assert.DoesNotContain("sam.signer", csv, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Signer", csv, StringComparison.Ordinal);
        Assert.StartsWith("Revoked ", (await consents.ListAsync(sam)).Single().Status, StringComparison.Ordinal);

        // The next e-mail (the conversion) names nobody.
        await ReferralProgramTests.CompleteAsync(app, sam, DocumentType.TaxReturn);
        var bodies = await ReferralProgramTests.DeliveredBodiesAsync(app, "rita.revoke@example.test", count: 1);
        Assert.All(bodies, b => Assert.DoesNotContain("Sam", b, StringComparison.Ordinal));

        // Every decision is audited against the client.
        await using var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var actions = db.AuditEntries.Where(e => e.SubjectUserId == sam && e.Action.StartsWith("consent.")).Select(e => e.Action).ToList();
        Assert.Equal([AuditActions.ConsentGranted, AuditActions.ConsentRevoked], actions.Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_expired_consent_behaves_as_revoked_and_a_declined_one_shares_nothing(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = provider == DatabaseProvider.Postgres
            ? await TaxGeniusAppFactory.CreateAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock))
            : TaxGeniusAppFactory.CreateEmbedded(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        app.StartServer();
        var referrals = ReferralProgram.From(app);
        var consents = app.Services.GetRequiredService<ConsentService>();
        var referrerId = await ReferralProgramTests.NewReferrerAsync(app, "evan.expiry@example.test", "Evan", "Expiry");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        var ella = await ReferralProgramTests.RegisterAsync(app, "ella.expired@example.test", "Ella", "Expired", new RegistrationReferral(code, ReferralSource.Code, null),
            consent: true);
        var dan = await ReferralProgramTests.RegisterAsync(app, "dan.declined@example.test", "Dan", "Declined", new RegistrationReferral(code, ReferralSource.Code, null));
        var offer = (await consents.PendingOfferAsync(dan))!;
        Assert.True((await consents.DeclineAsync(dan, offer.TextHash, new AuditActor(dan, null, null))).Succeeded);
        Assert.Null(await consents.PendingOfferAsync(dan));

        Assert.Equal("Ella Expired", Assert.Single(await referrals.Dashboard.GetReferralsAsync(referrerId), r => r.Shared).ClientName);

        clock.Advance(TimeSpan.FromDays(364));
        Assert.Single(await referrals.Dashboard.GetReferralsAsync(referrerId), r => r.Shared);

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await referrals.Dashboard.GetReferralsAsync(referrerId), r => r.Shared);
        Assert.DoesNotContain("ella.expired", await ReferralProgramTests.CsvAsync(referrals, referrerId), StringComparison.Ordinal);
        Assert.StartsWith("Expired ", (await consents.ListAsync(ella)).Single().Status, StringComparison.Ordinal);
        Assert.Equal("Declined", (await consents.ListAsync(dan)).Single().Status);
    }
}
