using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using TaxGenius.Core.Demo;

namespace TaxGenius.Bench;

/// <summary>
/// The API's hot path (issue 22): requests per second with 32 concurrent keep-alive connections against the published app in its
/// own process (rate limits off), side by side in one run: GET /health/live (the yardstick), GET /api/users/{id} with an API token
/// and with the administrator's cookie, and GET /api/users?role=CLIENT&amp;limit=50 with the token. Each figure is given as a ratio
/// to /health/live measured in the same round, so the machine's speed (and the load generator sharing its cores) cancels out.
/// Every answer must be 200: anything else is counted as an error. Also reports PostgreSQL transactions per request (Δxact_commit
/// of the database / requests: each EF query outside a transaction is one).
/// </summary>
internal static partial class ApiHotPath
{
    private const int Connections = 32;

    private sealed record Scenario(string Name, string Path, Action<HttpRequestMessage> Authorize, HttpClient? Client = null);

    private sealed record Measured(long Ok, long Errors, TimeSpan Elapsed, double TransactionsPerRequest, string FirstError)
    {
        public double PerSecond => Ok / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(int seconds, int rounds)
    {
        var settings = BenchServer.Settings(Path.Combine(BenchServer.WorkDir, "data-api-hotpath"));
        settings["RateLimits__Enabled"] = "false";
        await using var server = await ServerProcess.StartAsync(settings);
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings__Postgres is not set.");

        var (adminId, secret) = await CreateAdminTokenAsync(connectionString);
        var cookies = await SignInAdminAsync(server.BaseAddress);
        Console.WriteLine($"Server {server.BaseAddress} (pid {server.ProcessId}); admin {adminId}; {Connections} connections, {seconds} s per figure, {rounds} round(s)");

        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var cookieClient = new HttpClient(cookies) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var scenarios = new[]
        {
            new Scenario("GET /health/live", "/health/live", _ => { }),
            new Scenario("GET /api/users/{id} bearer", $"/api/users/{adminId}", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret)),
            // As a browser does: the cookie re-issued by the security-stamp check (every Security:RevalidationSeconds) replaces the old one.
            new Scenario("GET /api/users/{id} cookie", $"/api/users/{adminId}", _ => { }, cookieClient),
            new Scenario("GET /api/users?role=CLIENT&limit=50 bearer", "/api/users?role=CLIENT&limit=50",
                r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret)),
        };

        // Every scenario answers 200 once before anything is timed (a wrong setup fails here, loudly).
        foreach (var scenario in scenarios)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, scenario.Path);
            scenario.Authorize(request);
            using var response = await (scenario.Client ?? client).SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{scenario.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        var results = scenarios.ToDictionary(s => s.Name, _ => new List<Measured>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var scenario in scenarios)
            {
                await LoadAsync(scenario.Client ?? client, scenario, TimeSpan.FromSeconds(round == 1 ? 5 : 2), null); // warm-up: JIT, pools, caches
                var measured = await LoadAsync(scenario.Client ?? client, scenario, TimeSpan.FromSeconds(seconds), connectionString);
                results[scenario.Name].Add(measured);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round}: {scenario.Name,-45} {measured.PerSecond,9:F0} req/s  errors {measured.Errors}  db tx/request {measured.TransactionsPerRequest:F2}{(measured.Errors > 0 ? "  first error: " + measured.FirstError : "")}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"Request",-45} {"req/s",9} {"ratio",7} {"errors",7} {"db tx/req",9}   (per round: ratio to /health/live of the same round; summary: mean)");
        var health = results[scenarios[0].Name];
        var failed = false;
        foreach (var scenario in scenarios)
        {
            var runs = results[scenario.Name];
            var ratios = runs.Select((m, i) => m.PerSecond / health[i].PerSecond).ToList();
            var errors = runs.Sum(m => m.Errors);
            failed |= errors > 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario.Name,-45} {runs.Average(m => m.PerSecond),9:F0} {ratios.Average(),7:P1} {errors,7} {runs.Average(m => m.TransactionsPerRequest),9:F2}   [{string.Join(", ", ratios.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)))}]"));
        }

        return failed ? 1 : 0;
    }

    /// <summary><see cref="Connections"/> workers sending the scenario's request back to back for <paramref name="duration"/>.</summary>
    private static async Task<Measured> LoadAsync(HttpClient client, Scenario scenario, TimeSpan duration, string? connectionString)
    {
        var before = connectionString is null ? 0 : await TransactionsAsync(connectionString);
        long ok = 0, errors = 0;
        var firstError = "";
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, scenario.Path);
                    scenario.Authorize(request);
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0)
                    {
                    }

                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else if (Interlocked.Increment(ref errors) == 1)
                    {
                        firstError = $"{(int)response.StatusCode}";
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        firstError = ex.GetType().Name + ": " + ex.Message;
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var perRequest = 0d;
        if (connectionString is not null)
        {
            // Backends publish their statistics at most once a second.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            perRequest = (await TransactionsAsync(connectionString) - before) / (double)Math.Max(1, ok + errors);
        }

        return new Measured(ok, errors, elapsed, perRequest, firstError);
    }

    private static async Task<long> TransactionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    /// <summary>
    /// A 90-day token of the demo administrator, written as ApiTokenService writes one (the secret's SHA-256 and prefix): the tokens
    /// page is interactive, and the benchmark needs nothing from it but a valid row.
    /// </summary>
    private static async Task<(Guid AdminId, string Secret)> CreateAdminTokenAsync(string connectionString)
    {
        var secret = "tgp_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"Email\" = @email", connection);
        find.Parameters.AddWithValue("email", DemoAccounts.Admin);
        var adminId = (Guid)(await find.ExecuteScalarAsync() ?? throw new InvalidOperationException("No demo administrator."));
        await using var insert = new NpgsqlCommand(
            "INSERT INTO \"ApiTokens\" (\"Id\", \"UserId\", \"Name\", \"Prefix\", \"TokenHash\", \"CreatedAt\", \"ExpiresAt\") VALUES (@id, @user, 'bench', @prefix, @hash, @now, @expires)",
            connection);
        var now = DateTime.UtcNow;
        insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
        insert.Parameters.AddWithValue("user", adminId);
        insert.Parameters.AddWithValue("prefix", secret[..12]);
        insert.Parameters.AddWithValue("hash", TaxGenius.Core.Common.SecretHash.Of(secret));
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("expires", now.AddDays(90));
        await insert.ExecuteNonQueryAsync();
        return (adminId, secret);
    }

    /// <summary>
    /// The demo administrator signed in through the real forms (password, then the authenticator code): a handler that keeps (and
    /// updates) the cookies and sends them with every request.
    /// </summary>
    private static async Task<PlainCookies> SignInAdminAsync(Uri baseAddress)
    {
        var jar = new PlainCookies(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        });
        using var client = new HttpClient(jar, disposeHandler: false) { BaseAddress = baseAddress };
        var page = await client.GetStringAsync("/Account/Login");
        using var login = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value,
            ["Input.Email"] = DemoAccounts.Admin,
            ["Input.Password"] = BenchServer.DemoPassword,
        }));
        var twoFactor = login.Headers.Location ?? throw new InvalidOperationException($"Sign-in failed: {(int)login.StatusCode}");
        if (!twoFactor.OriginalString.Contains("LoginWith2fa", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Expected the two-factor step, got {twoFactor}");
        }

        var form = await client.GetStringAsync(twoFactor);
        using var answered = await client.PostAsync(twoFactor, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-with-2fa",
            ["__RequestVerificationToken"] = TokenPattern().Match(form).Groups[1].Value,
            ["Input.TwoFactorCode"] = Core.Identity.Totp.Code(BenchServer.TotpSecret, DateTimeOffset.UtcNow),
        }));
        if (answered.StatusCode != HttpStatusCode.Redirect || answered.Headers.Location?.OriginalString.Contains("Account/Login", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"The two-factor step failed: {(int)answered.StatusCode} {answered.Headers.Location}");
        }

        using var probe = new HttpRequestMessage(HttpMethod.Get, "/api/users?limit=1");
        using var check = await client.SendAsync(probe);
        if (check.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The admin cookie does not reach the API: {(int)check.StatusCode}");
        }

        return jar;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
