using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.RateLimiting;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>The rate limits of the API and the account forms, end to end (Redis and memory) and the Redis counter on its own.</summary>
public sealed class RateLimitTests
{
    private const string LimitHeader = "X-RateLimit-Limit";
    private const string RemainingHeader = "X-RateLimit-Remaining";

    [Fact]
    public async Task The_API_allows_100_requests_a_minute_per_user_then_answers_429_until_the_window_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = await TaxGeniusAppFactory.CreateAsync(configureServices: s => s.AddSingleton<TimeProvider>(time));
        using var client = await factory.SignInAsync(DemoAccounts.Client);

        for (var i = 1; i <= 100; i++)
        {
            using var ok = await client.GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("100", Header(ok, LimitHeader));
            Assert.Equal((100 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(ok, RemainingHeader));
        }

        using (var refused = await client.GetAsync("/api/me"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("100", Header(refused, LimitHeader));
            Assert.Equal("0", Header(refused, RemainingHeader));
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Too many requests", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("Retry after", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        time.Advance(TimeSpan.FromSeconds(60));
        using var next = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("99", Header(next, RemainingHeader));
    }

    [Fact]
    public async Task Two_instances_on_one_Redis_share_the_sign_in_counter()
    {
        // One deployment: one database, hence the same Redis key prefix for both instances.
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        var settings = new Dictionary<string, string?> { ["RateLimits:SignIn:Limit"] = "3" };
        await using var a = await TaxGeniusAppFactory.CreateAsync(extra: settings, sharedDatabase: database);
        a.StartServer();
        await using var b = await TaxGeniusAppFactory.CreateAsync(extra: settings, sharedDatabase: database);
        b.StartServer();
        using var onA = a.CreateClient(new() { AllowAutoRedirect = false });
        using var onB = b.CreateClient(new() { AllowAutoRedirect = false });

        await AwayFromWindowBoundaryAsync();
        await AssertWrongPasswordAsync(onA, remaining: "2");
        await AssertWrongPasswordAsync(onA, remaining: "1");
        await AssertWrongPasswordAsync(onB, remaining: "0");

        await AssertTooManyAttemptsPageAsync(onB, "3");
        await AssertTooManyAttemptsPageAsync(onA, "3");
    }

    [Fact]
    public async Task Without_Redis_the_limits_are_kept_in_memory()
    {
        await using var factory = TaxGeniusAppFactory.CreateEmbedded(extra: new Dictionary<string, string?>
        {
            ["RateLimits:SignIn:Limit"] = "2",
        });
        Assert.IsType<MemoryRateLimitCounter>(factory.Services.GetRequiredService<IRateLimitCounter>());
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        await AwayFromWindowBoundaryAsync();
        await AssertWrongPasswordAsync(client, remaining: "1");
        await AssertWrongPasswordAsync(client, remaining: "0");
        await AssertTooManyAttemptsPageAsync(client, "2");
    }

    [Fact]
    public async Task Anonymous_and_refused_api_requests_are_counted_per_address_too()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(configureServices: TestClientAddress.Enable,
            extra: new Dictionary<string, string?> { ["RateLimits:Api:Limit"] = "3", ["RateLimits:Api:WindowSeconds"] = "86400" });

        // Guessed bearer tokens (each one a database lookup) from one address: 401, 401, 401, then 429.
        using var guesser = factory.ClientFrom("203.0.113.9");
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"tgp_guess{i:D40}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SendAsync(request)).StatusCode);
        }

        using var anonymous = await guesser.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.TooManyRequests, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        // Another address is not held back by it.
        using var other = factory.ClientFrom("198.51.100.20");
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/users")).StatusCode);

        // A signed-in client knocking on an administrator's route: 403 three times, then 429.
        using var client = await factory.SignInAsync(DemoAccounts.Client);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/users")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task Resending_the_confirmation_is_limited_per_address_and_per_network()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(configureServices: TestClientAddress.Enable);
        using (var scope = factory.Services.CreateScope())
        {
            var registration = scope.ServiceProvider.GetRequiredService<TaxGenius.Core.Identity.AccountRegistrationService>();
            Assert.True((await registration.RegisterClientAsync("waiting@example.test", "a long enough password", "Wai", "Ting")).Succeeded);
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            // From several networks: the address itself is capped whoever asks.
            using var client = factory.ClientFrom($"192.0.2.{100 + (i / 2)}");
            var token = FormToken.In(await client.GetStringAsync("/Account/ResendEmailConfirmation"));
            using var response = await client.PostAsync("/Account/ResendEmailConfirmation", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "resend-email-confirmation", ["__RequestVerificationToken"] = token, ["Input.Email"] = "waiting@example.test",
            }));
            statuses.Add(response.StatusCode);
            Assert.Contains("If that address has an account waiting for confirmation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await Task.Delay(1500);
        // At most three confirmation e-mails an hour to one address.
        Assert.Equal(3, factory.Outbox.List().Count(e => e.To.Contains("waiting@example.test", StringComparison.Ordinal)));

        // One network is limited on its own (5 posts per 15 minutes).
        using var flooder = factory.ClientFrom("203.0.113.50");
        var last = HttpStatusCode.OK;
        for (var i = 0; i < 6; i++)
        {
            var token = FormToken.In(await flooder.GetStringAsync("/Account/ResendEmailConfirmation"));
            using var response = await flooder.PostAsync("/Account/ResendEmailConfirmation", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "resend-email-confirmation", ["__RequestVerificationToken"] = token, ["Input.Email"] = $"someone{i}@example.test",
            }));
            last = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }

    [Fact]
    public async Task Pages_and_static_files_are_never_limited()
    {
        await using var factory = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["RateLimits:Api:Limit"] = "1",
            ["RateLimits:SignIn:Limit"] = "1",
            ["RateLimits:Register:Limit"] = "1",
            ["RateLimits:PasswordReset:Limit"] = "1",
        });
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        for (var i = 0; i < 200; i++)
        {
            using var page = await client.GetAsync("/");
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET / #{i}: {(int)page.StatusCode}");
            Assert.False(page.Headers.Contains(LimitHeader), "The landing page was counted.");
        }

        foreach (var path in new[] { "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/app.css", "/favicon.png", "/_framework/blazor.web.js" })
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
                Assert.False(response.Headers.Contains(LimitHeader), path + " was counted.");
            }
        }
    }

    [Fact]
    public async Task An_invalid_limit_stops_the_app_at_start()
    {
        await using var factory = TaxGeniusAppFactory.CreateEmbedded(extra: new Dictionary<string, string?>
        {
            ["RateLimits:SignIn:WindowSeconds"] = "0",
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.Services);
        Assert.Contains("WindowSeconds", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Redis_counter_starts_again_in_each_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 10, TimeSpan.Zero));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var counter = new RedisRateLimitCounter(redis, time, NullLogger<RedisRateLimitCounter>.Instance, UniquePrefix());
        var window = TimeSpan.FromMinutes(1);

        var first = await counter.HitAsync("api", "user:1", 2, window, default);
        Assert.Equal(new RateLimitDecision(true, 2, 1, TimeSpan.FromSeconds(50)), first);
        Assert.Equal(0, (await counter.HitAsync("api", "user:1", 2, window, default)).Remaining);

        time.Advance(TimeSpan.FromSeconds(49.5));
        var refused = await counter.HitAsync("api", "user:1", 2, window, default);
        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter); // 0.5 s left, but never less than a second when refused

        time.Advance(TimeSpan.FromSeconds(0.5));
        var nextWindow = await counter.HitAsync("api", "user:1", 2, window, default);
        Assert.Equal(new RateLimitDecision(true, 2, 1, TimeSpan.FromSeconds(60)), nextWindow);
    }

    [Fact]
    public async Task The_Redis_counter_keeps_subjects_and_policies_apart_and_expires_its_keys()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var prefix = UniquePrefix();
        var counter = new RedisRateLimitCounter(redis, time, NullLogger<RedisRateLimitCounter>.Instance, prefix);
        var window = TimeSpan.FromMinutes(5);

        Assert.True((await counter.HitAsync("signin", "ip:10.0.0.1", 1, window, default)).Allowed);
        Assert.False((await counter.HitAsync("signin", "ip:10.0.0.1", 1, window, default)).Allowed);
        Assert.True((await counter.HitAsync("signin", "ip:10.0.0.2", 1, window, default)).Allowed);
        Assert.True((await counter.HitAsync("register", "ip:10.0.0.1", 1, window, default)).Allowed);

        var index = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        var db = redis.GetDatabase();
        var key = $"{prefix}rl:signin:ip:10.0.0.1:{index}";
        Assert.Equal(2, (long)await db.StringGetAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task The_Redis_counter_fails_open_when_Redis_is_unreachable()
    {
        var options = ConfigurationOptions.Parse("localhost:1,abortConnect=false,connectTimeout=200");
        options.BacklogPolicy = BacklogPolicy.FailFast; // as the app configures it: fail at once while disconnected
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var counter = new RedisRateLimitCounter(redis, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<RedisRateLimitCounter>.Instance, UniquePrefix());

        for (var i = 0; i < 3; i++)
        {
            var decision = await counter.HitAsync("signin", "ip:10.0.0.1", 1, TimeSpan.FromMinutes(5), default);
            Assert.True(decision.Allowed);
            Assert.Equal(1, decision.Limit);
        }
    }

    private static string UniquePrefix() => $"tg_test_{Guid.NewGuid():N}:";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static async Task AssertWrongPasswordAsync(HttpClient client, string remaining)
    {
        using var response = await TaxGeniusAppFactory.PostLoginAsync(client, DemoAccounts.Client, "not the password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(remaining, Header(response, RemainingHeader));
    }

    /// <summary>
    /// Counters live in fixed windows aligned to the clock (5 minutes for sign-in): a test whose requests straddle a boundary
    /// would see the count start again. Starts the sequence at least 30 s before the next boundary.
    /// </summary>
    private static async Task AwayFromWindowBoundaryAsync()
    {
        var window = TimeSpan.FromMinutes(5);
        var intoWindow = TimeSpan.FromTicks(DateTime.UtcNow.Ticks % window.Ticks);
        if (window - intoWindow < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(window - intoWindow + TimeSpan.FromSeconds(1));
        }
    }

    private static async Task AssertTooManyAttemptsPageAsync(HttpClient client, string limit)
    {
        using var response = await TaxGeniusAppFactory.PostLoginAsync(client, DemoAccounts.Client, "not the password");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(limit, Header(response, LimitHeader));
        Assert.Equal("0", Header(response, RemainingHeader));
        Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Matches("Too many attempts from your network\\. Please wait [1-5] minutes? and try again\\.", page);
        Assert.Contains("href=\"/Account/Login\"", page, StringComparison.Ordinal);
    }
}
