using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Identity.SignInCodes;
using TaxGenius.Core.Settings;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>E-mailed sign-in codes (ADR-015) on PostgreSQL and Redis, through the service and through the sign-in pages.</summary>
public sealed class SignInCodeTests
{
    [Fact]
    public async Task A_code_works_once_is_stored_only_as_a_keyed_hash_and_appears_in_no_log()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await TaxGeniusAppFactory.CreateAsync(
            extra: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug" },
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var userId = await app.CreateUserAsync("cody.code@example.test", Roles.Client);
        var codes = app.Services.CreateScope().ServiceProvider.GetRequiredService<SignInCodeService>();

        Assert.Equal(SendCodeOutcome.Sent, await codes.SendAsync(userId, SignInCodePurpose.SecondFactor));
        var code = await app.EmailedCodeAsync("cody.code@example.test");
        Assert.Matches("^[0-9]{6}$", code);

        await using (var db = await Db(app))
        {
            var row = await db.SignInCodes.SingleAsync(c => c.UserId == userId);
            Assert.StartsWith("tgh1:test1:", row.CodeHash, StringComparison.Ordinal);
            Assert.DoesNotContain(code, row.CodeHash, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromMinutes(10), row.ExpiresAt - row.CreatedAt);
        }

        Assert.Equal(CodeCheck.Accepted, await codes.VerifyAsync(userId, SignInCodePurpose.SecondFactor, code));
        Assert.Equal(CodeCheck.NoCode, await codes.VerifyAsync(userId, SignInCodePurpose.SecondFactor, code));
        // A code for one purpose is not one for another.
        Assert.Equal(CodeCheck.NoCode, await codes.VerifyAsync(userId, SignInCodePurpose.SignIn, code));

        Assert.True(logs.Count > 0);
        Assert.DoesNotContain(code, logs.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_expires_after_ten_minutes_and_a_new_one_replaces_the_old()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TaxGeniusAppFactory.CreateAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        var userId = await app.CreateUserAsync("exp.code@example.test", Roles.Referrer);
        var codes = app.Services.CreateScope().ServiceProvider.GetRequiredService<SignInCodeService>();

        Assert.Equal(SendCodeOutcome.Sent, await codes.SendAsync(userId, SignInCodePurpose.SignIn));
        var first = await app.EmailedCodeAsync("exp.code@example.test", recovery: true);
        // Asking again at once is refused (the first code still works); after 30 seconds a new code replaces it.
        Assert.Equal(SendCodeOutcome.TooSoon, await codes.SendAsync(userId, SignInCodePurpose.SignIn));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(SendCodeOutcome.Sent, await codes.SendAsync(userId, SignInCodePurpose.SignIn));
        var second = await app.EmailedCodeAsync("exp.code@example.test", recovery: true);
        if (first != second)
        {
            Assert.Equal(CodeCheck.Wrong, await codes.VerifyAsync(userId, SignInCodePurpose.SignIn, first));
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(CodeCheck.Expired, await codes.VerifyAsync(userId, SignInCodePurpose.SignIn, second));
        Assert.Equal((CodeCheck.Expired, first != second ? 4 : 5), await codes.StateAsync(userId, SignInCodePurpose.SignIn));
    }

    [Fact]
    public async Task Five_wrong_tries_end_the_code_even_the_right_one_after_them()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var userId = await app.CreateUserAsync("five.tries@example.test", Roles.Client);
        var codes = app.Services.CreateScope().ServiceProvider.GetRequiredService<SignInCodeService>();
        Assert.Equal(SendCodeOutcome.Sent, await codes.SendAsync(userId, SignInCodePurpose.SecondFactor));
        var code = await app.EmailedCodeAsync("five.tries@example.test");
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(CodeCheck.Wrong, await codes.VerifyAsync(userId, SignInCodePurpose.SecondFactor, wrong));
            Assert.Equal((CodeCheck.Wrong, 5 - i), await codes.StateAsync(userId, SignInCodePurpose.SecondFactor));
        }

        Assert.Equal(CodeCheck.Locked, await codes.VerifyAsync(userId, SignInCodePurpose.SecondFactor, wrong));
        Assert.Equal(CodeCheck.Locked, await codes.VerifyAsync(userId, SignInCodePurpose.SecondFactor, code));
        Assert.Contains("entered wrongly 5 times", SignInCodeService.Explain(CodeCheck.Locked, 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_is_limited_to_five_codes_in_fifteen_minutes()
    {
        // The limit counts in fixed 15-minute windows: the six sends (2.5 minutes) start at a window's beginning so that they never
        // straddle two windows, which made this test fail when it ran just before a quarter past the hour.
        var window = (long)SignInCodeService.SendWindow.TotalMilliseconds;
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / window * window) + 1_000));
        await using var app = await TaxGeniusAppFactory.CreateAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        var userId = await app.CreateUserAsync("many.codes@example.test", Roles.Client);
        var codes = app.Services.CreateScope().ServiceProvider.GetRequiredService<SignInCodeService>();
        var outcomes = new List<SendCodeOutcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add(await codes.SendAsync(userId, SignInCodePurpose.SecondFactor));
            clock.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Equal([.. Enumerable.Repeat(SendCodeOutcome.Sent, 5), SendCodeOutcome.RateLimited], outcomes);
    }

    [Fact]
    public async Task The_firm_policy_makes_a_client_with_only_a_password_enter_an_e_mailed_code_and_off_it_does_not()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        const string email = "policy.client@example.test";
        await app.CreateUserAsync(email, Roles.Client);

        // On (the default): the password leads to the second step, and the code arrives by e-mail.
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var response = await TaxGeniusAppFactory.PostLoginAsync(client, email, TaxGeniusAppFactory.DemoPassword);
        Assert.Contains("Account/LoginWith2fa", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = await client.GetStringAsync(response.Headers.Location);
        Assert.Contains("E-mailed code", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/client")).StatusCode);

        var wrong = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, response.Headers.Location, "000000");
        var code = await app.EmailedCodeAsync(email);
        if (code != "000000")
        {
            Assert.Contains("4 tries left", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var signedIn = await TaxGeniusAppFactory.PostTwoFactorCodeAsync(client, response.Headers.Location, code);
        Assert.EndsWith("/client", signedIn.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // Off: the password alone.
        var admin = new AuditActor(await app.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, null, IsAdmin: true);
        Assert.Null(await app.Services.GetRequiredService<FirmSettingsService>().SetRequireClientSecondFactorAsync(admin, false));
        using var second = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var direct = await TaxGeniusAppFactory.PostLoginAsync(second, email, TaxGeniusAppFactory.DemoPassword);
        Assert.EndsWith("/client", direct.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // Staff are never offered e-mailed codes: their second step stays the authenticator (or a passkey).
        Assert.Null(await app.Services.GetRequiredService<FirmSettingsService>().SetRequireClientSecondFactorAsync(admin, true));
        await app.CreateUserAsync("policy.preparer@example.test", Roles.Preparer);
        using var staff = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var staffStep = await TaxGeniusAppFactory.PostLoginAsync(staff, "policy.preparer@example.test", TaxGeniusAppFactory.DemoPassword);
        var staffPage = await staff.GetStringAsync(staffStep.Headers.Location);
        Assert.Contains("Authenticator code", staffPage, StringComparison.Ordinal);
        Assert.DoesNotContain("E-mail me a code", staffPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_who_lost_passkey_and_phone_recovers_with_a_code_and_a_confirmation_ending_every_session_and_staff_see_it()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        const string email = "lost.phone@example.test";
        var userId = await app.CreateUserAsync(email, Roles.Client);
        await app.EnrollAuthenticatorAsync(userId);
        using var oldSession = await app.SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await oldSession.GetAsync("/client")).StatusCode);
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            using var passkey = new SoftwarePasskey();
            Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(userId.ToString()))!, passkey.ToPasskeyInfo(DateTimeOffset.UtcNow))).Succeeded);
        }

        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var send = await FormToken.PostFormAsync(client, "/Account/LoginWithEmailCode", "send-sign-in-code", ("Send.Email", email));
        Assert.Contains("a 6-digit code is on its way", await send.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var code = await app.EmailedCodeAsync(email, recovery: true);

        // Without the confirmation nothing happens; with it the account is recovered.
        var unconfirmed = await FormToken.PostFormAsync(client, "/Account/LoginWithEmailCode", "email-code-sign-in",
            ("Input.Email", email), ("Input.Code", code));
        Assert.Contains("Tick the box", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var recovered = await FormToken.PostFormAsync(client, "/Account/LoginWithEmailCode", "email-code-sign-in",
            ("Input.Email", email), ("Input.Code", code), ("Input.ConfirmRecovery", "true"));
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        Assert.EndsWith("Account/Manage/Passkeys", recovered.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage/Passkeys")).StatusCode);

        // The old browser is signed out; the lost factors are gone; the audit log says what happened.
        Assert.Equal(HttpStatusCode.Redirect, (await oldSession.GetAsync("/client")).StatusCode);
        await using var db = await Db(app);
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        Assert.False(user.TwoFactorEnabled);
        Assert.False(await db.UserPasskeys.AnyAsync(p => p.UserId == userId));
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.AccountRecovered && a.SubjectUserId == userId);
        Assert.Contains("1 passkey and the authenticator app removed", audit.Detail, StringComparison.Ordinal);
        Assert.Contains("1 session ended", audit.Detail, StringComparison.Ordinal);

        // Staff cannot use e-mailed codes at all (their recovery stays with recovery codes or an administrator).
        using var staff = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await FormToken.PostFormAsync(staff, "/Account/LoginWithEmailCode", "send-sign-in-code", ("Send.Email", DemoAccounts.Preparer));
        await Task.Delay(500);
        Assert.DoesNotContain(app.Outbox.List(), e => e.To.Contains(DemoAccounts.Preparer, StringComparison.OrdinalIgnoreCase) && e.Subject.Contains("code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_coverage_counts_each_roles_active_accounts_by_factor()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var coverage = app.Services.CreateScope().ServiceProvider.GetRequiredService<MfaCoverage>();
        var before = (await coverage.ByRoleAsync()).ToDictionary(r => r.Role);

        var withPasskey = await app.CreateUserAsync("cov.passkey@example.test", Roles.Client);
        await app.CreateUserAsync("cov.password@example.test", Roles.Client);
        var withApp = await app.CreateUserAsync("cov.app@example.test", Roles.Referrer);
        await app.EnrollAuthenticatorAsync(withApp);
        await app.CreateUserAsync("cov.preparer@example.test", Roles.Preparer);
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            using var passkey = new SoftwarePasskey();
            await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(withPasskey.ToString()))!, passkey.ToPasskeyInfo(DateTimeOffset.UtcNow));
        }

        var after = (await coverage.ByRoleAsync()).ToDictionary(r => r.Role);
        Assert.Equal(Roles.All, after.Keys);
        Assert.Equal(new MfaCoverageRow(Roles.Client, 2, 1, 0, 2, 1), Delta(after[Roles.Client], before[Roles.Client]));
        Assert.Equal(new MfaCoverageRow(Roles.Referrer, 1, 0, 1, 1, 0), Delta(after[Roles.Referrer], before[Roles.Referrer]));
        Assert.Equal(new MfaCoverageRow(Roles.Preparer, 1, 0, 1, 1, 0), Delta(after[Roles.Preparer], before[Roles.Preparer]));
        Assert.Equal(new MfaCoverageRow(Roles.Admin, 0, 0, 0, 0, 0), Delta(after[Roles.Admin], before[Roles.Admin]));
    }

    private static MfaCoverageRow Delta(MfaCoverageRow after, MfaCoverageRow before) => new(after.Role, after.Accounts - before.Accounts,
        after.WithPasskey - before.WithPasskey, after.WithAuthenticator - before.WithAuthenticator, after.WithPassword - before.WithPassword,
        after.PasswordOnly - before.PasswordOnly);

    private static Task<TaxGeniusDbContext> Db(TaxGeniusAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
}
