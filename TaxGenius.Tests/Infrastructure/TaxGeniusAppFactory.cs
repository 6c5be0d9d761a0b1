using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The whole app in a test host, on its own new database (PostgreSQL by default, or the embedded SQLite default),
/// with Redis, a private data folder (its outbox is where e-mails land) and the demo accounts seeded.
/// With <c>kestrel: true</c> it listens on a real loopback port, for the browser.
/// </summary>
public class TaxGeniusAppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "demo-password-for-tests";

    /// <summary>
    /// The authenticator key of the demo staff accounts (Demo:TotpSecret) and of every staff user <see cref="CreateUserAsync"/>
    /// makes: staff must sign in with two factors, and the helpers answer with <see cref="Totp.Code"/>.
    /// </summary>
    public const string TotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private readonly TestDatabase? database;
    private readonly Dictionary<string, string?> settings;

    private TaxGeniusAppFactory(TestDatabase? database, Dictionary<string, string?> settings, bool kestrel)
    {
        this.database = database;
        this.settings = settings;
        if (kestrel)
        {
            this.UseKestrel(0);
        }
        else if (settings.GetValueOrDefault(EnvironmentSetting) is { } environment && environment != "Development")
        {
            // Outside Development cookies are Secure: the test client speaks https, as a browser in front of the app would.
            ClientOptions.BaseAddress = new Uri("https://localhost");
        }

    }

    public string DataPath => settings["TaxGenius:DataPath"]!;

    public TestDatabase? Database => database;

    /// <summary>The production stack: a new PostgreSQL database, Redis, demo accounts.</summary>
    public static async Task<TaxGeniusAppFactory> CreateAsync(bool kestrel = false, IDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? configureServices = null, TestDatabase? sharedDatabase = null)
    {
        var database = sharedDatabase ?? await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        var settings = BaseSettings();
        settings[database.AsAppSetting().Key] = database.AsAppSetting().Value;
        settings["ConnectionStrings:Redis"] = TestEnvironment.Redis;
        // One deployment = one database: instances sharing it share their Redis keys too, other tests' apps do not.
        settings["Redis:InstanceName"] = database.Name + ":";
        settings["Database:AutoMigrate"] = "true";
        settings["Demo:Enabled"] = "true";
        Merge(settings, EnvironmentDefaults(extra));
        Merge(settings, extra);
        // A shared database belongs to the caller (several instances on one database): only an own one is dropped here.
        return new TaxGeniusAppFactory(sharedDatabase is null ? database : null, settings, kestrel) { ConfigureServices = configureServices };
    }

    /// <summary>The embedded default, as `dotnet run` starts it: no connection strings, everything under the data folder.</summary>
    public static TaxGeniusAppFactory CreateEmbedded(bool kestrel = false, IDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var settings = BaseSettings();
        Merge(settings, EnvironmentDefaults(extra));
        Merge(settings, extra);
        return new TaxGeniusAppFactory(null, settings, kestrel) { ConfigureServices = configureServices };
    }

    /// <summary>The SSN key ring every test app starts with (Production refuses to start without one). Fixed, test-only keys.</summary>
    public static readonly IReadOnlyDictionary<string, string?> TestSsnKeyRing = new Dictionary<string, string?>
    {
        ["Ssn:Keys:test-1"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ["Ssn:ActiveKeyId"] = "test-1",
    };

    public const string TestStorageKey = "dGVzdC1zdG9yYWdlLW1hc3Rlci1rZXktMzItYnl0ZXM=";

    /// <summary>The key that encrypts the Data Protection key ring and Identity's secrets in tests (required outside Development).</summary>
    public const string TestDataProtectionKey = "dGVzdC1kYXRhLXByb3RlY3Rpb24ta2V5LTMyYnl0ZXM=";

    public const string PublicBaseUrlSetting = "TaxGenius:PublicBaseUrl";

    /// <summary><paramref name="extra"/> entries with a null value remove that base setting: <c>WithoutSsnKeyRing</c>.</summary>
    public static IDictionary<string, string?> WithoutSsnKeyRing(IDictionary<string, string?> extra)
    {
        var result = new Dictionary<string, string?>(extra);
        foreach (var key in TestSsnKeyRing.Keys)
        {
            result[key] = null;
        }

        return result;
    }

    private static Dictionary<string, string?> BaseSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["TaxGenius:DataPath"] = Path.Combine(Path.GetTempPath(), $"tg_data_{Guid.NewGuid():N}"),
            ["Demo:Password"] = DemoPassword,
            ["Demo:TotpSecret"] = TotpSecret,
            // Tests count what they create: the demo firm (the embedded default's ~60 clients) only where a test asks for it
            // (a null in extra restores the app's default).
            ["Demo:Firm"] = "false",
            // A query EF Core warns about (slow or unordered) fails the test instead of writing a warning.
            ["Database:StrictQueries"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Jobs:WorkerCount"] = "2",
            // Storage keys for tests only (Production refuses to start without configured keys).
            ["Storage:MasterKeys:test1"] = TestStorageKey,
            ["Storage:ActiveKeyId"] = "test1",
            ["DataProtection:Keys:test1"] = TestDataProtectionKey,
            ["DataProtection:ActiveKeyId"] = "test1",
        };
        Merge(settings, new Dictionary<string, string?>(TestSsnKeyRing));
        return settings;
    }

    /// <summary>Outside Development the public base URL is required (every e-mailed link starts with it): the test client's address.</summary>
    private static Dictionary<string, string?> EnvironmentDefaults(IDictionary<string, string?>? extra) =>
        extra is not null && extra.TryGetValue(EnvironmentSetting, out var environment) && environment is not null && environment != "Development"
            ? new() { [PublicBaseUrlSetting] = "https://localhost" }
            : [];

    /// <summary>Adds or replaces settings; a null value removes the setting.</summary>
    private static void Merge(Dictionary<string, string?> settings, IDictionary<string, string?>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }
    }

    /// <summary>The setting that picks the host environment (default Development, where the demo accounts exist).</summary>
    public const string EnvironmentSetting = "test:environment";

    /// <summary>Replaces services after the app registered its own (for example a FakeTimeProvider).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(settings.GetValueOrDefault(EnvironmentSetting) ?? "Development");
        foreach (var (key, value) in settings.Where(s => s.Key != EnvironmentSetting))
        {
            builder.UseSetting(key, value);
        }

        if (ConfigureServices is { } configure)
        {
            builder.ConfigureServices(configure);
        }
    }

    /// <summary>The base address of the running server (Kestrel) or the test server.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    public OutboxFolder Outbox => Services.GetRequiredService<OutboxFolder>();

    /// <summary>Waits (up to 10 s) for an e-mail to <paramref name="to"/> (with that subject, when given) to reach the outbox.</summary>
    public async Task<MimeKit.MimeMessage> WaitForEmailAsync(string to, string? subject = null)
    {
        for (var i = 0; i < 100; i++)
        {
            var entry = Outbox.List().FirstOrDefault(e =>
                e.To.Contains(to, StringComparison.OrdinalIgnoreCase) && (subject is null || e.Subject == subject));
            if (entry is not null)
            {
                return entry.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No e-mail to {to}{(subject is null ? "" : $" about '{subject}'")} reached the outbox.");
    }

    /// <summary>
    /// An HTTP client that keeps cookies and does not follow redirects, signed in through the real sign-in form (and the
    /// two-factor form with a code from <see cref="TotpSecret"/> when the account asks for one, as staff accounts do).
    /// </summary>
    public async Task<HttpClient> SignInAsync(string email, string password = DemoPassword, System.Net.CookieContainer? cookies = null)
    {
        var client = cookies is null
            ? CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = ClientOptions.BaseAddress })
            : CreateDefaultClient(ClientOptions.BaseAddress, new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));
        var response = await PostLoginAsync(client, email, password);
        if (response.Headers.Location?.OriginalString.Contains("Account/LoginWith2fa", StringComparison.Ordinal) == true)
        {
            // An authenticator when the account has one; else (a client or referrer, the firm requiring a second factor) the e-mailed code.
            var code = await HasAuthenticatorAsync(email) ? await TotpCodeAsync(email) : await EmailedCodeAsync(email);
            response = await PostTwoFactorCodeAsync(client, response.Headers.Location, code);
        }

        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("Account/Login", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return client;
    }

    /// <summary>
    /// A code the app will accept now for <paramref name="email"/>'s authenticator (<see cref="TotpSecret"/> unless given): codes work
    /// once, so this takes the first time step after the last one the account used (the app accepts two steps ahead), waiting for the
    /// clock when an account signed in more than three times within half a minute.
    /// </summary>
    public async Task<string> TotpCodeAsync(string email, string secret = TotpSecret)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var last = await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.AuthenticatorLastStep).SingleOrDefaultAsync();
        while (true)
        {
            var now = Totp.StepAt(DateTimeOffset.UtcNow);
            var step = Math.Max(now, (last ?? long.MinValue) + 1);
            if (step <= now + SingleUseAuthenticatorTokenProvider.AllowedDrift - 1)
            {
                return Totp.CodeAtStep(secret, step);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    public async Task<bool> HasAuthenticatorAsync(string email)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.TwoFactorEnabled).SingleOrDefaultAsync();
    }

    /// <summary>
    /// The newest sign-in code e-mailed to <paramref name="email"/> (waiting up to 30 s for it: on a loaded 2-core machine the e-mail job
    /// once took longer than 10): the 6 digits of the message's text, as a person reads them. Each call takes a code that arrived after
    /// the previous call's.
    /// </summary>
    public async Task<string> EmailedCodeAsync(string email, bool recovery = false)
    {
        var subject = recovery ? "Your TaxGenius account recovery code" : "Your TaxGenius sign-in code";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline;)
        {
            var entry = Outbox.List()
                .Where(e => e.To.Contains(email, StringComparison.OrdinalIgnoreCase) && e.Subject == subject && !readCodes.Contains(e.FileName))
                .MaxBy(e => e.Date);
            if (entry is not null)
            {
                readCodes.Add(entry.FileName);
                return Regex.Match(entry.Message.TextBody ?? "", @"\b(\d{6})\b").Groups[1].Value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No sign-in code reached the outbox for {email}.");
    }

    private readonly System.Collections.Concurrent.ConcurrentBag<string> readCodes = [];

    /// <summary>Answers the two-factor form at <paramref name="page"/> (where the password step redirected) with <paramref name="code"/>.</summary>
    public static async Task<HttpResponseMessage> PostTwoFactorCodeAsync(HttpClient client, Uri page, string code)
    {
        var html = await client.GetStringAsync(page);
        var token = FormToken.In(html);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-with-2fa",
            ["__RequestVerificationToken"] = token,
            ["Input.TwoFactorCode"] = code,
        });
        return await client.PostAsync(page, form);
    }

    /// <summary>
    /// Enrolls the signed-in user of <paramref name="client"/> as a person would: reads the key the enrollment page shows,
    /// answers with the current code and returns the recovery codes the page then lists.
    /// </summary>
    public static async Task<IReadOnlyList<string>> EnrollThroughPageAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(StaffMfa.EnrollmentPath);
        var key = Regex.Match(html, "id=\"authenticator-key\"[^>]*>([^<]+)<").Groups[1].Value;
        var token = FormToken.In(html);
        if (!Totp.IsValidKey(key))
        {
            throw new InvalidOperationException("The enrollment page shows no authenticator key.");
        }

        using var response = await client.PostAsync(StaffMfa.EnrollmentPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "send-code",
            ["__RequestVerificationToken"] = token,
            ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow),
        }));
        var answer = await response.Content.ReadAsStringAsync();
        var codes = Regex.Matches(answer, "<code class=\"recovery-code\">([^<]+)</code>").Select(m => m.Groups[1].Value).ToList();
        return codes.Count > 0 ? codes : throw new InvalidOperationException($"Enrollment failed: {(int)response.StatusCode}");
    }

    /// <summary>
    /// A confirmed user in <paramref name="role"/> with the demo password. Staff (PREPARER, ADMIN) are enrolled with the
    /// authenticator key <see cref="TotpSecret"/>, as the firm requires, unless <paramref name="enrollMfa"/> is false.
    /// </summary>
    public async Task<Guid> CreateUserAsync(string email, string role, string password = DemoPassword, bool enrollMfa = true)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded || !(await users.AddToRoleAsync(user, role)).Succeeded)
        {
            throw new InvalidOperationException($"Could not create {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        if (enrollMfa && StaffMfa.IsRequiredFor([role]))
        {
            await EnrollAuthenticatorAsync(user.Id);
        }

        return user.Id;
    }

    /// <summary>Turns on two-factor sign-in for the user with the authenticator key <see cref="TotpSecret"/>.</summary>
    public async Task EnrollAuthenticatorAsync(Guid userId)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var store = (IUserAuthenticatorKeyStore<ApplicationUser>)scope.ServiceProvider.GetRequiredService<IUserStore<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId.ToString()) ?? throw new InvalidOperationException($"No user {userId}.");
        await store.SetAuthenticatorKeyAsync(user, TotpSecret, CancellationToken.None);
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not enroll {user.Email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>The id of the user with <paramref name="email"/> (demo accounts, users a test created).</summary>
    public async Task<Guid> UserIdAsync(string email)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    /// <summary>Signed in, with the antiforgery header that state-changing API calls need (as the app's pages send it).</summary>
    public async Task<HttpClient> SignInForApiAsync(string email, string password = DemoPassword)
    {
        var client = await SignInAsync(email, password);
        using var response = await client.GetAsync("/api/antiforgery");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Add(json.RootElement.GetProperty("headerName").GetString()!, json.RootElement.GetProperty("token").GetString());
        return client;
    }

    /// <summary>Posts the sign-in form as a browser would (antiforgery token included) and returns the answer.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = FormToken.In(page);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync("/Account/Login", form);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
