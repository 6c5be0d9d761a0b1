using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Core.Documents;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Referrals;

/// <summary>
/// The referral program on both providers: invitations (first referral wins, no self-referral, no existing user, a daily limit),
/// attribution at registration (invited address, link, cookie, typed code), conversion when the firm completes the client's first
/// TAX_RETURN with the commission fixed exactly, and consent gating of everything the referrer receives.
/// </summary>
public sealed class ReferralProgramTests
{
    private const string Password = "a long enough password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_invited_address_registers_and_its_first_completed_tax_return_converts_it_with_the_exact_commission(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "rita.referrer@example.test", "Rita", "Ray");
        // An admin's override with cents that binary floating point cannot hold; it is what the referral earns.
        await referrals.SetRateAsync(app, referrerId, 1234.57m);

        var invited = await referrals.Invitations.InviteAsync(referrerId, "  Ivy.Invited@Example.test ");
        Assert.True(invited.Succeeded, invited.Message);
        Assert.Equal("Invitation sent to ivy.invited@example.test.", invited.Message);
        var invitation = await app.WaitForEmailAsync("ivy.invited@example.test", "Rita Ray invited you to TaxGenius");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        Assert.Contains($"/r/{code}", invitation.TextBody, StringComparison.Ordinal);

        // Registers with no code at all: the invitation for the address is the referral.
        var clientId = await RegisterAsync(app, "ivy.invited@example.test", "Ivy", "Invited", null);
        var referral = await SingleReferralAsync(app, "ivy.invited@example.test");
        Assert.Equal(referrerId, referral.ReferrerId);
        Assert.Equal(clientId, referral.ClientUserId);
        Assert.Equal(ReferralSource.Invitation, referral.Source);
        Assert.NotNull(referral.SignedUpAt);
        Assert.False(await SharesAsync(app, clientId));
        Assert.Equal(ReferralStatus.Pending, referral.Status);
        Assert.Equal(0m, referral.Commission);

        // A W-2 completed: not a tax return, nothing happens.
        await CompleteAsync(app, clientId, DocumentType.W2);
        Assert.Equal(ReferralStatus.Pending, (await SingleReferralAsync(app, "ivy.invited@example.test")).Status);

        // The first TAX_RETURN completed: converted, commission fixed from the rate at that moment, the referrer told.
        var firstReturn = await CompleteAsync(app, clientId, DocumentType.TaxReturn);
        referral = await SingleReferralAsync(app, "ivy.invited@example.test");
        Assert.Equal(ReferralStatus.Converted, referral.Status);
        Assert.Equal(1234.57m, referral.Commission);
        Assert.Equal(firstReturn, referral.ConvertedByDocumentId);
        Assert.NotNull(referral.ConvertedAt);
        var converted = await app.WaitForEmailAsync("rita.referrer@example.test", "Your referral became a client: you earned $1,234.57");
        Assert.DoesNotContain("Ivy", converted.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("ivy.invited", converted.TextBody, StringComparison.OrdinalIgnoreCase);

        // A later rate change and a second completed return change nothing: converted once, one e-mail.
        await referrals.SetRateAsync(app, referrerId, 10.00m);
        await CompleteAsync(app, clientId, DocumentType.TaxReturn);
        referral = await SingleReferralAsync(app, "ivy.invited@example.test");
        Assert.Equal(1234.57m, referral.Commission);
        Assert.Equal(firstReturn, referral.ConvertedByDocumentId);
        await using (var db = await Factory(app).CreateDbContextAsync())
        {
            Assert.Equal(1, await db.QueuedEmails.CountAsync(e => e.To == "rita.referrer@example.test" && e.Template == "referral-converted"));
        }

        // Exact in the database too (decimal(10,2) on PostgreSQL, integer cents on SQLite), and in the referrer's numbers.
        var stats = (await referrals.Dashboard.GetDashboardAsync(referrerId)).Stats;
        Assert.Equal(1234.57m, stats.CommissionConverted);
        Assert.Equal(1, stats.Conversions);
        Assert.Equal(1, stats.SignUps);
        Assert.Equal(0m, stats.CommissionPending);
        Assert.Equal(10.00m, stats.Rate);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_tax_returns_completed_at_once_convert_the_referral_once_with_one_email(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        var referrerId = await NewReferrerAsync(app, "rex.race@example.test", "Rex", "Race");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        var clientId = await RegisterAsync(app, "rae.race@example.test", "Rae", "Race", new RegistrationReferral(code, ReferralSource.Code, null));

        await using var db = await Factory(app).CreateDbContextAsync();
        var preparerId = await db.Users.Where(u => u.Email == DemoAccounts.Preparer).Select(u => u.Id).SingleAsync();
        var preparer = new AuditActor(preparerId, DemoAccounts.Preparer, null);
        var ids = new List<Guid>();
        foreach (var name in new[] { "federal-return.pdf", "state-return.pdf" })
        {
            var upload = await app.Services.GetRequiredService<ClientDocumentService>().UploadAsync(clientId,
                new UploadRequest(name, DocumentType.TaxReturn, TaxYears.Current(TimeProvider.System)), new MemoryStream(SampleFiles.Pdf()));
            Assert.True((await workflow.ClaimAsync(preparer, upload.Document!.Id)).Succeeded);
            ids.Add(upload.Document.Id);
        }

        var results = await Task.WhenAll(ids.Select(id => Task.Run(() => workflow.ChangeStatusAsync(preparer, id, DocumentStatus.Completed, null))));
        // The one that lost the race (if they overlapped) is told to look again, and then completes without converting twice.
        for (var i = 0; i < ids.Count; i++)
        {
            if (!results[i].Succeeded)
            {
                Assert.True(results[i].Conflict, results[i].Error);
                Assert.True((await workflow.ChangeStatusAsync(preparer, ids[i], DocumentStatus.Completed, null)).Succeeded);
            }
        }

        await using var read = await Factory(app).CreateDbContextAsync();
        Assert.Equal(2, await read.Documents.CountAsync(d => d.UserId == clientId && d.Status == DocumentStatus.Completed));
        var referral = await read.Referrals.AsNoTracking().SingleAsync(r => r.ClientUserId == clientId);
        Assert.Equal(ReferralStatus.Converted, referral.Status);
        Assert.Equal(50.00m, referral.Commission);
        Assert.Contains(referral.ConvertedByDocumentId!.Value, ids);
        Assert.Equal(1, await read.QueuedEmails.CountAsync(e => e.To == "rex.race@example.test" && e.Template == "referral-converted"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_default_commission_comes_from_configuration_and_sums_stay_exact(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "dora.default@example.test", "Dora", "Default");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        Assert.Equal(50.00m, await referrals.Rates.GetRateAsync(referrerId));

        for (var i = 0; i < 3; i++)
        {
            var clientId = await RegisterAsync(app, $"client{i}@example.test", "Client", $"Number{i}",
                new RegistrationReferral(code, ReferralSource.Code, null));
            await CompleteAsync(app, clientId, DocumentType.TaxReturn);
        }

        await using var db = await Factory(app).CreateDbContextAsync();
        var stored = await db.Referrals.Where(r => r.ReferrerId == referrerId).Select(r => r.Commission).ToListAsync();
        Assert.Equal([50.00m, 50.00m, 50.00m], stored);
        var stats = await referrals.Dashboard.GetStatsAsync(referrerId);
        Assert.Equal(150.00m, stats.CommissionConverted);
        Assert.Equal(3, stats.Conversions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Registration_is_attributed_by_link_cookie_and_typed_code_the_typed_code_first(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var anna = await NewReferrerAsync(app, "anna.a@example.test", "Anna", "A");
        var ben = await NewReferrerAsync(app, "ben.b@example.test", "Ben", "B");
        var annaCode = await referrals.Codes.GetCodeAsync(anna);
        var benCode = await referrals.Codes.GetCodeAsync(ben);

        await RegisterAsync(app, "by.link@example.test", "Lee", "Link", new RegistrationReferral(annaCode, ReferralSource.Link, annaCode));
        await RegisterAsync(app, "by.cookie@example.test", "Cory", "Cookie", new RegistrationReferral(null, ReferralSource.Code, benCode));
        // Typed in any case; typed wins over another referrer's cookie.
        await RegisterAsync(app, "by.code@example.test", "Cody", "Code", new RegistrationReferral(annaCode.ToLowerInvariant(), ReferralSource.Code, benCode));
        await RegisterAsync(app, "no.referral@example.test", "Noah", "None", new RegistrationReferral(null, ReferralSource.Code, "NOTACODE"));

        Assert.Equal((anna, ReferralSource.Link), await AttributionAsync(app, "by.link@example.test"));
        Assert.Equal((ben, ReferralSource.Cookie), await AttributionAsync(app, "by.cookie@example.test"));
        Assert.Equal((anna, ReferralSource.Code), await AttributionAsync(app, "by.code@example.test"));
        await using var db = await Factory(app).CreateDbContextAsync();
        Assert.False(await db.Referrals.AnyAsync(r => r.ClientEmail == "no.referral@example.test"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_first_referral_for_an_address_wins_and_the_second_referrer_learns_nothing(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var first = await NewReferrerAsync(app, "first.f@example.test", "Fay", "First");
        var second = await NewReferrerAsync(app, "second.s@example.test", "Sid", "Second");

        Assert.True((await referrals.Invitations.InviteAsync(first, "wanted@example.test")).Succeeded);
        // The second referrer is answered as for anyone else (IRC §7216: nothing about another referral or an account), but the
        // invitation is not attributed and no second e-mail is sent.
        var second1 = await referrals.Invitations.InviteAsync(second, "WANTED@example.test");
        var fresh = await referrals.Invitations.InviteAsync(second, "nobody.yet@example.test");
        Assert.True(second1.Succeeded);
        Assert.Equal("Invitation sent to wanted@example.test.", second1.Message);
        Assert.Equal("Invitation sent to nobody.yet@example.test.", fresh.Message);
        Assert.Equal(["Invited", "Invited"], (await referrals.Dashboard.GetReferralsAsync(second)).Select(r => r.Stage));
        var again = await referrals.Invitations.InviteAsync(first, "wanted@example.test");
        Assert.False(again.Succeeded);
        Assert.Equal("You already invited wanted@example.test less than a day ago.", again.Message);

        // Registering through the second referrer's link does not take it away from the first.
        var secondCode = await referrals.Codes.GetCodeAsync(second);
        await RegisterAsync(app, "wanted@example.test", "Wanda", "Wanted", new RegistrationReferral(secondCode, ReferralSource.Link, secondCode), consent: true);
        Assert.Equal((first, ReferralSource.Invitation), await AttributionAsync(app, "wanted@example.test"));
        await using var db = await Factory(app).CreateDbContextAsync();
        Assert.Equal(1, await db.Referrals.CountAsync(r => r.ClientEmail == "wanted@example.test" && !r.Unattributed));
        var rows = await db.Referrals.Where(r => r.ClientEmail == "wanted@example.test").Select(r => new { r.ReferrerId, r.Unattributed, r.ClientUserId }).ToListAsync();
        Assert.True(rows.Count == 2, string.Join("; ", rows));
        Assert.Null(rows.Single(r => r.Unattributed).ClientUserId);
        // The second referrer never sees Wanda progress: no consent to them, no stage.
        Assert.All(await referrals.Dashboard.GetReferralsAsync(second), r => Assert.Equal(("Invited", null, null), (r.Stage, r.SignedUpAt, r.ClientEmail)));
        await app.WaitForEmailAsync("wanted@example.test", "Fay First invited you to TaxGenius");
        Assert.Equal(1, await db.QueuedEmails.CountAsync(e => e.To == "wanted@example.test" && e.Template == "referral-invitation"));
    }

    [Fact]
    public async Task Self_referral_bad_addresses_and_the_daily_limit_are_refused_clearly_and_existing_clients_are_not_revealed()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?> { ["Referrals:InvitationsPerDay"] = "3" });
        app.StartServer();
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "sam.self@example.test", "Sam", "Self");

        Assert.Equal("You can't refer yourself. Invite someone else.", (await referrals.Invitations.InviteAsync(referrerId, "Sam.Self@example.test")).Message);
        Assert.Equal("Enter a valid e-mail address, like name@example.com.", (await referrals.Invitations.InviteAsync(referrerId, "not an address")).Message);
        Assert.Equal("Enter a valid e-mail address, like name@example.com.", (await referrals.Invitations.InviteAsync(referrerId, "a@b")).Message);

        // An address with an account and one without get the very same answer; the first is not attributed and not e-mailed.
        var client = await referrals.Invitations.InviteAsync(referrerId, DemoAccounts.Client);
        var stranger = await referrals.Invitations.InviteAsync(referrerId, "one@example.test");
        Assert.Equal((true, $"Invitation sent to {DemoAccounts.Client}."), (client.Succeeded, client.Message));
        Assert.Equal((true, "Invitation sent to one@example.test."), (stranger.Succeeded, stranger.Message));
        Assert.Single((await referrals.Dashboard.GetReferralsAsync(referrerId)).Select(r => (r.Stage, r.ClientName, r.ClientEmail, r.SignedUpAt, r.Commission)).Distinct());

        var limited = await referrals.Invitations.InviteAsync(referrerId, "two@example.test");
        Assert.False(limited.Succeeded);
        Assert.StartsWith("You have reached today's limit of 3 invitations. You can send more in ", limited.Message, StringComparison.Ordinal);

        await using var db = await Factory(app).CreateDbContextAsync();
        Assert.Equal(["one@example.test"], await db.Referrals.Where(r => r.ReferrerId == referrerId && !r.Unattributed).Select(r => r.ClientEmail).ToListAsync());
        Assert.Equal([DemoAccounts.Client], await db.Referrals.Where(r => r.ReferrerId == referrerId && r.Unattributed).Select(r => r.ClientEmail).ToListAsync());
        await app.WaitForEmailAsync("one@example.test");
        Assert.Equal(0, await db.QueuedEmails.CountAsync(e => e.To == DemoAccounts.Client && e.Template == "referral-invitation"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_vanity_code_is_validated_unique_and_chosen_once_and_the_random_code_keeps_working(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var vera = await NewReferrerAsync(app, "vera.v@example.test", "Vera", "V");
        var other = await NewReferrerAsync(app, "otto.o@example.test", "Otto", "O");
        var random = await referrals.Codes.GetCodeAsync(vera);
        Assert.Matches("^[A-HJKMNP-Z2-9]{8}$", random);

        Assert.Equal("Use 4 to 20 characters.", (await referrals.Codes.ChooseVanityCodeAsync(vera, "AB")).Error);
        Assert.Equal("Leave out I, L, O, 0 and 1: they are too easy to mix up when people type the code.",
            (await referrals.Codes.ChooseVanityCodeAsync(vera, "HELLO")).Error);
        Assert.Equal("Use only letters A–Z and digits 2–9.", (await referrals.Codes.ChooseVanityCodeAsync(vera, "TAX-PAY")).Error);
        Assert.True((await referrals.Codes.ChooseVanityCodeAsync(other, "TAXPAY")).Succeeded);
        Assert.Equal("TAXPAY is taken. Try another.", (await referrals.Codes.ChooseVanityCodeAsync(vera, "taxpay")).Error);

        var chosen = await referrals.Codes.ChooseVanityCodeAsync(vera, " veratax ");
        Assert.True(chosen.Succeeded, chosen.Error);
        Assert.Equal("VERATAX", chosen.Code);
        Assert.Equal("VERATAX", await referrals.Codes.GetCodeAsync(vera));
        Assert.Equal("You already chose your code (VERATAX); it can be chosen only once.",
            (await referrals.Codes.ChooseVanityCodeAsync(vera, "VERA2")).Error);

        Assert.True(await referrals.Codes.CodeExistsAsync(random));
        Assert.True(await referrals.Codes.CodeExistsAsync("veratax"));
        await RegisterAsync(app, "old.link@example.test", "Olga", "Old", new RegistrationReferral(random, ReferralSource.Link, random));
        Assert.Equal((vera, ReferralSource.Link), await AttributionAsync(app, "old.link@example.test"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_consent_the_referrer_gets_counts_and_amounts_never_the_person(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "gina.gate@example.test", "Gina", "Gate");
        var code = await referrals.Codes.GetCodeAsync(referrerId);

        var private1 = await RegisterAsync(app, "priscilla.private@example.test", "Priscilla", "Private", new RegistrationReferral(code, ReferralSource.Code, null));
        var shared = await RegisterAsync(app, "sharon.shared@example.test", "Sharon", "Shared", new RegistrationReferral(code, ReferralSource.Code, null), consent: true);
        await CompleteAsync(app, private1, DocumentType.TaxReturn);
        await CompleteAsync(app, shared, DocumentType.TaxReturn);

        Assert.True(await SharesAsync(app, shared));
        Assert.False(await SharesAsync(app, private1));

        // The dashboard.
        var rows = (await referrals.Dashboard.GetDashboardAsync(referrerId)).Rows;
        Assert.Equal(2, rows.Count);
        var hidden = Assert.Single(rows, r => !r.Shared);
        Assert.Null(hidden.ClientName);
        Assert.Null(hidden.ClientEmail);
        Assert.Equal(50.00m, hidden.Commission);
        Assert.Equal("Converted", hidden.Stage);
        var named = Assert.Single(rows, r => r.Shared);
        Assert.Equal("Sharon Shared", named.ClientName);
        Assert.Equal("sharon.shared@example.test", named.ClientEmail);

        // The CSV.
        var csv = await CsvAsync(referrals, referrerId);
        Assert.DoesNotContain("Priscilla", csv, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("priscilla.private", csv, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sharon Shared,sharon.shared@example.test", csv, StringComparison.Ordinal);

        // The e-mails (as delivered: a sent message's body is no longer kept in the queue): the converted e-mail names Sharon, and only Sharon.
        var bodies = await DeliveredBodiesAsync(app, "gina.gate@example.test", count: 2);
        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.DoesNotContain("Priscilla", b, StringComparison.OrdinalIgnoreCase));
        Assert.Single(bodies, b => b.Contains("Sharon Shared", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_csv_lists_the_referrers_own_referrals_with_exact_amounts_and_escapes_formulas(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "carl.csv@example.test", "Carl", "Csv");
        var otherId = await NewReferrerAsync(app, "olive.other@example.test", "Olive", "Other");
        await referrals.SetRateAsync(app, referrerId, 75.5m);
        var code = await referrals.Codes.GetCodeAsync(referrerId);

        Assert.True((await referrals.Invitations.InviteAsync(referrerId, "waiting@example.test")).Succeeded);
        Assert.True((await referrals.Invitations.InviteAsync(otherId, "someone.else@example.test")).Succeeded);
        var formula = await RegisterAsync(app, "formula@example.test", "=HYPERLINK(\"http://evil\")", "Smith", new RegistrationReferral(code, ReferralSource.Link, code), consent: true);
        await CompleteAsync(app, formula, DocumentType.TaxReturn);

        var lines = (await CsvAsync(referrals, referrerId)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Referral,Stage,Source,Referred on,Signed up on,Converted on,Paid on,Commission (USD),Client name,Client e-mail", lines[0]);
        Assert.Equal(3, lines.Length);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var converted = Assert.Single(lines, l => l.Contains(",Converted,", StringComparison.Ordinal));
        Assert.EndsWith($",Converted,Link,{today},{today},{today},,75.50,\"'=HYPERLINK(\"\"http://evil\"\") Smith\",formula@example.test", converted, StringComparison.Ordinal);
        var waiting = Assert.Single(lines, l => l.Contains(",Invited,", StringComparison.Ordinal));
        // An invitation nobody accepted names no one either: the address is the client's only once they consent.
        Assert.EndsWith($",Invited,Invitation,{today},,,,0.00,,", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("someone.else", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_click_keeps_no_personal_data_only_a_salted_hash_of_the_ip(DatabaseProvider provider)
    {
        await using var app = await DocumentWorkflowTests.StartAsync(provider);
        var referrals = ReferralProgram.From(app);
        var referrerId = await NewReferrerAsync(app, "kim.click@example.test", "Kim", "Click");
        var code = await referrals.Codes.GetCodeAsync(referrerId);

        Assert.Equal(code, await referrals.Codes.RecordClickAsync(code.ToLowerInvariant(), System.Net.IPAddress.Parse("203.0.113.5")));
        Assert.Equal(code, await referrals.Codes.RecordClickAsync(code, System.Net.IPAddress.Parse("203.0.113.5")));
        Assert.Equal(code, await referrals.Codes.RecordClickAsync(code, System.Net.IPAddress.Parse("198.51.100.7")));
        Assert.Null(await referrals.Codes.RecordClickAsync("NOPE2345", System.Net.IPAddress.Parse("203.0.113.5")));
        Assert.Null(await referrals.Codes.RecordClickAsync("<script>", null));

        await using var db = await Factory(app).CreateDbContextAsync();
        var hashes = await db.ReferralClicks.Where(c => c.ReferrerId == referrerId).OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.IpHash!).ToListAsync();
        Assert.Equal(3, hashes.Count);
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h));
        Assert.Equal(hashes[0], hashes[1]);
        Assert.NotEqual(hashes[0], hashes[2]);
        Assert.DoesNotContain(hashes, h => h.Contains("203", StringComparison.Ordinal) && h.Contains("113", StringComparison.Ordinal) && h.Length < 64);
        Assert.Equal(3, (await referrals.Dashboard.GetStatsAsync(referrerId)).Clicks);
    }

    [Fact]
    public void Codes_have_no_look_alike_characters()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = ReferralCodes.NewRandom();
            Assert.Null(ReferralCodes.Validate(code));
            Assert.DoesNotContain(code, c => "ILO01".Contains(c, StringComparison.Ordinal));
        }

        Assert.True(ReferralCodes.IsWellFormed("TAX2026".Replace("0", "", StringComparison.Ordinal)));
        Assert.False(ReferralCodes.IsWellFormed("ABC"));
        Assert.False(ReferralCodes.IsWellFormed(new string('A', 21)));
        Assert.False(ReferralCodes.IsWellFormed("tax2"));
        Assert.Equal("TAX2", ReferralCodes.Normalize(" tax2 "));
    }

    private static IDbContextFactory<TaxGeniusDbContext> Factory(TaxGeniusAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

    internal static async Task<Guid> NewReferrerAsync(TaxGeniusAppFactory app, string email, string first, string last)
    {
        var id = await app.CreateUserAsync(email, Roles.Referrer);
        await using var db = await Factory(app).CreateDbContextAsync();
        db.Profiles.Add(new TaxGenius.Core.Profiles.Profile { UserId = id, FirstName = first, LastName = last });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Registers a client; with <paramref name="consent"/>, they then sign the referral-disclosure consent on its own screen.</summary>
    internal static async Task<Guid> RegisterAsync(TaxGeniusAppFactory app, string email, string first, string last, RegistrationReferral? referral,
        bool consent = false)
    {
        using var scope = app.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<AccountRegistrationService>().RegisterClientAsync(email, Password, first, last, referral);
        Assert.True(outcome.Succeeded);
        var id = outcome.User!.Id;
        if (consent)
        {
            await SignConsentAsync(app, id, $"{first} {last}");
        }

        return id;
    }

    /// <summary>The client signs the referral-disclosure consent they are offered, as the consent screen does.</summary>
    internal static async Task SignConsentAsync(TaxGeniusAppFactory app, Guid clientId, string typedName)
    {
        var consents = app.Services.GetRequiredService<TaxGenius.Core.Compliance.Consents.ConsentService>();
        var offer = await consents.OfferAsync(clientId);
        Assert.NotNull(offer);
        var signed = await consents.GrantAsync(clientId, typedName, offer.TextHash, new AuditActor(clientId, null, "203.0.113.20"));
        Assert.True(signed.Succeeded, signed.Error);
    }

    /// <summary>Whether the client's referral-disclosure consent is in force now.</summary>
    internal static async Task<bool> SharesAsync(TaxGeniusAppFactory app, Guid clientId)
    {
        await using var db = await Factory(app).CreateDbContextAsync();
        return (await TaxGenius.Core.Compliance.Consents.ReferralConsent.SharedAsync(db, [clientId], DateTime.UtcNow, CancellationToken.None)).Count == 1;
    }

    /// <summary>The client uploads a document of <paramref name="type"/>; the demo preparer claims and completes it.</summary>
    internal static async Task<Guid> CompleteAsync(TaxGeniusAppFactory app, Guid clientId, DocumentType type)
    {
        var upload = await app.Services.GetRequiredService<ClientDocumentService>().UploadAsync(clientId,
            new UploadRequest("document.pdf", type, TaxYears.Current(TimeProvider.System)), new MemoryStream(SampleFiles.Pdf()));
        Assert.True(upload.Succeeded, upload.Error);
        await using var db = await Factory(app).CreateDbContextAsync();
        var preparerId = await db.Users.Where(u => u.Email == DemoAccounts.Preparer).Select(u => u.Id).SingleAsync();
        var preparer = new AuditActor(preparerId, DemoAccounts.Preparer, "203.0.113.9");
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        Assert.True((await workflow.ClaimAsync(preparer, upload.Document!.Id)).Succeeded);
        var completed = await workflow.ChangeStatusAsync(preparer, upload.Document.Id, DocumentStatus.Completed, null);
        Assert.True(completed.Succeeded, completed.Error);
        return upload.Document.Id;
    }

    /// <summary>Waits (up to 10 s) for <paramref name="count"/> e-mails to <paramref name="to"/> in the outbox; their text, HTML and subject.</summary>
    internal static async Task<IReadOnlyList<string>> DeliveredBodiesAsync(TaxGeniusAppFactory app, string to, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var delivered = app.Outbox.List().Where(e => e.To.Contains(to, StringComparison.OrdinalIgnoreCase)).ToList();
            if (delivered.Count >= count)
            {
                return delivered.Select(e => (e.Message.TextBody ?? "") + (e.Message.HtmlBody ?? "") + e.Subject).ToList();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Fewer than {count} e-mails to {to} reached the outbox.");
    }

    /// <summary>The referral that counts for <paramref name="email"/> (unattributed invitations of other referrers aside).</summary>
    private static async Task<Referral> SingleReferralAsync(TaxGeniusAppFactory app, string email)
    {
        await using var db = await Factory(app).CreateDbContextAsync();
        return await db.Referrals.AsNoTracking().SingleAsync(r => r.ClientEmail == email && !r.Unattributed);
    }

    private static async Task<(Guid, ReferralSource)> AttributionAsync(TaxGeniusAppFactory app, string email)
    {
        var referral = await SingleReferralAsync(app, email);
        Assert.NotNull(referral.ClientUserId);
        return (referral.ReferrerId, referral.Source);
    }

    internal static async Task<string> CsvAsync(ReferralProgram referrals, Guid referrerId)
    {
        using var buffer = new MemoryStream();
        await referrals.Dashboard.WriteCsvAsync(referrerId, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
