using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Referrals;

/// <summary>The referral link, the registration form's code, the referrer's page and the CSV endpoint, over HTTP.</summary>
public sealed partial class ReferralWebTests(AppFixture app) : IClassFixture<AppFixture>
{
    private TaxGeniusAppFactory Factory => app.Factory;

    [Fact]
    public async Task The_link_records_a_click_without_the_ip_sets_a_30_day_cookie_and_prefills_registration()
    {
        var referrerId = await ReferralProgramTests.NewReferrerAsync(Factory, "lina.link@example.test", "Lina", "Link");
        var code = await Referrals.Codes.GetCodeAsync(referrerId);
        using var browser = Browser();

        using var follow = await browser.GetAsync($"/r/{code.ToLowerInvariant()}");
        Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        Assert.Equal($"/Account/Register?ref={code}", follow.Headers.Location!.OriginalString);
        var cookie = Assert.Single(follow.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ReferralCodeService.CookieName + "=", StringComparison.Ordinal));
        Assert.StartsWith($"{ReferralCodeService.CookieName}={code};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(ExpiresPattern().Match(cookie).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));

        await using (var db = await Db())
        {
            Assert.Equal(1, await db.ReferralClicks.CountAsync(c => c.ReferrerId == referrerId));
        }

        // The form carries the code from the link; consent is not a box among its fields (it has its own page after sign-in).
        var page = await browser.GetStringAsync($"/Account/Register?ref={code}");
        Assert.Contains($"value=\"{code}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("ShareWithReferrer", page, StringComparison.Ordinal);
        Assert.Contains("unless you agree to it on its own page after you sign in", page, StringComparison.Ordinal);
        using var registered = await PostRegisterAsync(browser, page, "lou.link@example.test", code, code, "link");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Contains("RegisterConfirmation", registered.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var referral = await ReferralAsync("lou.link@example.test");
        Assert.Equal((referrerId, ReferralSource.Link), (referral.ReferrerId, referral.Source));
        Assert.NotNull(referral.ClientUserId);
        Assert.False(await ReferralProgramTests.SharesAsync(Factory, referral.ClientUserId.Value));
    }

    [Fact]
    public async Task A_later_visit_with_the_cookie_is_attributed_to_the_cookie_even_when_the_field_was_cleared()
    {
        var referrerId = await ReferralProgramTests.NewReferrerAsync(Factory, "cara.cookie@example.test", "Cara", "Cookie");
        var code = await Referrals.Codes.GetCodeAsync(referrerId);
        using var browser = Browser();
        (await browser.GetAsync($"/r/{code}")).Dispose();

        var page = await browser.GetStringAsync("/Account/Register");
        Assert.Contains($"value=\"{code}\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"cookie\"", page, StringComparison.Ordinal);
        using var registered = await PostRegisterAsync(browser, page, "colin.cookie@example.test", "", code, "cookie");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        // The cookie has done its job and is removed.
        Assert.Contains(registered.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ReferralCodeService.CookieName + "=;", StringComparison.Ordinal));

        var referral = await ReferralAsync("colin.cookie@example.test");
        Assert.Equal((referrerId, ReferralSource.Cookie), (referral.ReferrerId, referral.Source));
        Assert.False(await ReferralProgramTests.SharesAsync(Factory, referral.ClientUserId!.Value));
    }

    [Fact]
    public async Task An_unknown_code_sets_no_cookie_and_a_typed_unknown_code_is_explained_next_to_the_field()
    {
        using var browser = Browser();
        using var follow = await browser.GetAsync("/r/ZZZZ9999");
        Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        Assert.Equal("/Account/Register?link=unknown", follow.Headers.Location!.OriginalString);
        Assert.False(follow.Headers.Contains("Set-Cookie"));

        // The page says why no code is filled in, instead of a silent form; without the marker (a plain visit) it says nothing.
        var page = await browser.GetStringAsync(follow.Headers.Location.OriginalString);
        Assert.Contains("We don't recognize that referral link", page, StringComparison.Ordinal);
        Assert.DoesNotContain("recognize that referral link", await browser.GetStringAsync("/Account/Register"), StringComparison.Ordinal);
        using var response = await PostRegisterAsync(browser, page, "tina.typo@example.test", "NOPE2345", null, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("We don&#x27;t know that referral code.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await Db();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "tina.typo@example.test"));
    }

    [Fact]
    public async Task The_referrer_page_and_the_csv_name_only_clients_who_consented()
    {
        var referrerId = await ReferralProgramTests.NewReferrerAsync(Factory, "gwen.gate@example.test", "Gwen", "Gate");
        var code = await Referrals.Codes.GetCodeAsync(referrerId);
        var hidden = await ReferralProgramTests.RegisterAsync(Factory, "quinn.quiet@example.test", "Quinn", "Quiet", new RegistrationReferral(code, ReferralSource.Code, null));
        await ReferralProgramTests.RegisterAsync(Factory, "olivia.open@example.test", "Olivia", "Open", new RegistrationReferral(code, ReferralSource.Code, null), consent: true);
        await ReferralProgramTests.CompleteAsync(Factory, hidden, DocumentType.TaxReturn);

        using var referrer = await Factory.SignInAsync("gwen.gate@example.test");
        var html = await referrer.GetStringAsync("/referrer");
        Assert.Contains("Olivia Open", html, StringComparison.Ordinal);
        Assert.Contains("olivia.open@example.test", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Quinn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("quinn.quiet", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Not shared", html, StringComparison.Ordinal);
        Assert.Contains($"/r/{code}", html, StringComparison.Ordinal);
        // The QR code is an inline SVG image of the link (Blazor encodes + as &#x2B; in attributes).
        var qr = QrPattern().Match(html);
        Assert.True(qr.Success, "No QR code image on the page.");
        var svg = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(qr.Groups[1].Value.Replace("&#x2B;", "+", StringComparison.Ordinal)));
        Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("$50.00", html, StringComparison.Ordinal);

        using var csv = await referrer.GetAsync("/api/referrals/export.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("referrals-", csv.Content.Headers.ContentDisposition!.FileNameStar ?? csv.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        var body = await csv.Content.ReadAsStringAsync();
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains(",Converted,Code typed,", StringComparison.Ordinal) && l.EndsWith(",50.00,,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(",Signed up,Code typed," + Today() + "," + Today() + ",,,0.00,Olivia Open,olivia.open@example.test", StringComparison.Ordinal));
        Assert.DoesNotContain("quinn", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_csv_is_for_referrers_only()
    {
        using var anonymous = Factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/referrals/export.csv")).StatusCode);
        foreach (var email in new[] { DemoAccounts.Client, DemoAccounts.Preparer, DemoAccounts.Admin })
        {
            using var other = await Factory.SignInAsync(email);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/referrals/export.csv")).StatusCode);
        }

        // The demo referrer's own: three seeded referrals, none of whose clients consented except Morgan.
        using var referrer = await Factory.SignInAsync(DemoAccounts.Referrer);
        var body = await referrer.GetStringAsync("/api/referrals/export.csv");
        Assert.Equal(4, body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("taylor@", body, StringComparison.Ordinal);
        Assert.DoesNotContain("jordan@", body, StringComparison.Ordinal);
    }

    private ReferralProgram Referrals => ReferralProgram.From(Factory);

    private HttpClient Browser() => Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    private Task<TaxGeniusDbContext> Db() => Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();

    private async Task<Referral> ReferralAsync(string email)
    {
        await using var db = await Db();
        return await db.Referrals.AsNoTracking().SingleAsync(r => r.ClientEmail == email);
    }

    private static string Today() => DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Posts the registration form as a browser would, with the hidden fields the page rendered.</summary>
    private static Task<HttpResponseMessage> PostRegisterAsync(HttpClient client, string page, string email, string? code, string? prefilled, string? from)
    {
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "register",
            ["__RequestVerificationToken"] = FormToken.In(page),
            ["Input.FirstName"] = "Reggie",
            ["Input.LastName"] = "Referred",
            ["Input.Email"] = email,
            ["Input.Password"] = "a long enough password",
            ["Input.ConfirmPassword"] = "a long enough password",
            ["Input.ReferralCode"] = code ?? "",
            ["Input.PrefilledCode"] = prefilled ?? "",
            ["Input.PrefilledFrom"] = from ?? "",
        };
        return client.PostAsync("/Account/Register", new FormUrlEncodedContent(fields));
    }


    [GeneratedRegex("<img src=\"data:image/svg(?:\\+|&#x2B;)xml;base64,([^\"]+)\"[^>]*alt=\"QR code of your referral link\"")]
    private static partial Regex QrPattern();

    [GeneratedRegex("expires=([^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ExpiresPattern();
}
