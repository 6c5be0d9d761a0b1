using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Compliance.Consents;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Compliance;

/// <summary>The consent screen and the compliance downloads over HTTP: the right people, the right answers to bad input.</summary>
public sealed partial class ComplianceWebTests
{
    [Fact]
    public async Task A_referred_client_is_sent_to_the_consent_screen_signs_it_and_can_revoke_it()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var referrals = ReferralProgram.From(app);
        var referrerId = await ReferralProgramTests.NewReferrerAsync(app, "rory.ref@example.test", "Rory", "Ref");
        var code = await referrals.Codes.GetCodeAsync(referrerId);
        var clientId = await ReferralProgramTests.RegisterAsync(app, "cora.consent@example.test", "Cora", "Consent", new RegistrationReferral(code, ReferralSource.Code, null));
        await ConfirmAsync(app, "cora.consent@example.test");
        using var browser = await app.SignInAsync("cora.consent@example.test", "a long enough password");

        // First visit to the home page: the consent screen, on its own.
        using var home = await browser.GetAsync("/client");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.EndsWith("/Account/Consent/Referral", home.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = await browser.GetStringAsync("/Account/Consent/Referral");
        Assert.Contains("Rory Ref (rory.ref@example.test)", page, StringComparison.Ordinal);
        Assert.Contains("complaints@tigta.treas.gov", page, StringComparison.Ordinal);
        var hash = TextHash().Match(page).Groups[1].Value;
        Assert.Equal(64, hash.Length);

        // An empty signature is refused on the page, nothing recorded.
        using var empty = await PostConsentAsync(browser, page, "", hash, "grant");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Type your full name to sign", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var consents = app.Services.GetRequiredService<ConsentService>();
        Assert.Empty(await consents.ListAsync(clientId));

        using var signed = await PostConsentAsync(browser, page, "Cora Consent", hash, "grant");
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        Assert.EndsWith("Account/Manage/Consents", signed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var consent = Assert.Single(await consents.ListAsync(clientId));
        Assert.Equal(("Cora Consent", hash), (consent.SignedName, consent.TextHash));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/client")).StatusCode); // asked once only

        // Revoked from Account settings → Consents.
        var list = await browser.GetStringAsync("/Account/Manage/Consents");
        Assert.Contains("In force until", list, StringComparison.Ordinal);
        using var revoked = await FormToken.PostFormAsync(browser, "/Account/Manage/Consents", "revoke", ("RevokeId", consent.Id.ToString("N")));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.False(Assert.Single(await consents.ListAsync(clientId)).InForce);
        Assert.Null((await referrals.Dashboard.GetReferralsAsync(referrerId)).Single().ClientName);
    }

    [Fact]
    public async Task Compliance_downloads_are_for_admins_and_explain_bad_input()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var preparer = await app.SignInAsync(DemoAccounts.Preparer);
        Assert.Equal(HttpStatusCode.Forbidden, (await preparer.GetAsync("/api/admin/compliance/evidence.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await preparer.GetAsync($"/api/admin/compliance/disposals/{Guid.NewGuid()}/certificate.pdf")).StatusCode);

        using var admin = await app.SignInAsync(DemoAccounts.Admin);
        using var evidence = await admin.GetAsync("/api/admin/compliance/evidence.pdf");
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);
        Assert.Equal("application/pdf", evidence.Content.Headers.ContentType!.MediaType);

        // The cookie key ring says when its newest key was made as a time, which the page shows in the admin's zone (the PDF in UTC),
        // and how old it is; it used to be a UTC string inside the "In use" text, the only UTC time on the page.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var built = await scope.ServiceProvider.GetRequiredService<ComplianceEvidenceService>().BuildAsync();
            var ring = Assert.Single(built.Keys, k => k.Name == "DataProtection:Keys");
            Assert.Equal("newest cookie key", ring.Usage);
            Assert.Equal(DateTimeKind.Utc, ring.KeyCreated!.Value.Kind);
            Assert.InRange(ring.KeyCreated.Value, DateTime.UtcNow.AddYears(-1), DateTime.UtcNow.AddMinutes(1));
            Assert.Matches("^[0-9]+ days? old$", ring.Age);
            Assert.All(built.Keys.Where(k => k.Name != ring.Name), k => Assert.Null(k.KeyCreated));
        }

        using var missing = await admin.GetAsync($"/api/admin/compliance/disposals/{Guid.NewGuid()}/certificate.csv");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);

        var preparerId = await app.UserIdAsync(DemoAccounts.Preparer);
        using var backwards = await admin.GetAsync($"/api/admin/compliance/access-report.csv?scope=StaffMember&id={preparerId}&from=2026-03-10&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("ends before it starts", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var incomplete = await admin.GetAsync("/api/admin/compliance/access-report.pdf?scope=StaffMember");
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var csv = await admin.GetAsync($"/api/admin/compliance/access-report.csv?scope=StaffMember&id={preparerId}&from={today}&to={today}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.StartsWith("Access report,Staff member " + DemoAccounts.Preparer, await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task ConfirmAsync(TaxGeniusAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        user!.EmailConfirmed = true;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    private static Task<HttpResponseMessage> PostConsentAsync(HttpClient browser, string page, string name, string hash, string decision) =>
        browser.PostAsync("/Account/Consent/Referral", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "consent",
            ["__RequestVerificationToken"] = FormToken.In(page),
            ["Input.SignedName"] = name,
            ["Input.TextHash"] = hash,
            ["Input.Decision"] = decision,
        }));

    [GeneratedRegex("name=\"Input.TextHash\" value=\"([0-9a-f]+)\"")]
    private static partial Regex TextHash();
}
