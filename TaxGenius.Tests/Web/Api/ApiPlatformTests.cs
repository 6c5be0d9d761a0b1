using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Users;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web.Api;

/// <summary>The OpenAPI document and the Scalar reference (administrators only, served offline).</summary>
public sealed class ApiDocumentationTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task The_openapi_document_is_for_administrators_and_describes_the_users_api_and_bearer_tokens()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var response = await admin.GetAsync("/api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"/api/users\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/users/{id}\"", document, StringComparison.Ordinal);
        Assert.Contains("\"bearer\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("ssn", document, StringComparison.OrdinalIgnoreCase);

        var token = await app.CreateAdminTokenAsync("docs");
        using var bearer = app.BearerClient(token.Secret!);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/openapi/v1.json")).StatusCode);

        var client = await app.CookieClientAsync(DemoAccounts.Client);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/docs")).StatusCode);
        using var anonymous = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/docs")).StatusCode);
    }

    [Fact]
    public async Task Every_operation_lists_its_problem_answers_beside_its_success()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var document = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("/api/openapi/v1.json"));
        var answers = new Dictionary<string, string[]>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
                var key = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                answers[key] = responses.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();
                // Each error is a ProblemDetails, and there is always a success beside it.
                Assert.All(responses.Where(r => r.Name[0] is '4' or '5'), r => Assert.True(
                    r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _), $"{key} {r.Name}"));
                Assert.Contains(responses, r => r.Name[0] == '2');
                // And a short title for the reference's sidebar.
                Assert.True(operation.Value.TryGetProperty("summary", out var summary) && summary.GetString()!.Length is > 0 and <= 45, key);
                // Signed in and rate limited, every one; only the two for any role leave out 403.
                var anyRole = path.Name is "/api/me" or "/api/antiforgery";
                Assert.Superset(new HashSet<string>(anyRole ? ["401", "429"] : ["401", "403", "429"]), answers[key].ToHashSet());
            }
        }

        Assert.Equal(["200", "400", "401", "403", "404", "409", "429"], answers["POST /api/documents/{id}/suggestion/accept"]);
        Assert.Equal(["204", "400", "401", "403", "404", "429"], answers["DELETE /api/documents/{id}/suggestion"]);
        Assert.Equal(["204", "400", "401", "403", "404", "429"], answers["DELETE /api/documents/{id}/duplicate"]);
        Assert.Equal(["200", "400", "401", "403", "404", "409", "429"], answers["POST /api/staff/documents/{id}/recognition/refile"]);
        Assert.Equal(["201", "400", "401", "403", "404", "413", "415", "429", "503"], answers["POST /api/documents"]);
        Assert.Equal(["200", "401", "403", "404", "429"], answers["GET /api/admin/payouts/{id}/export.csv"]);
        Assert.Equal(["200", "401", "404", "429"], answers["GET /api/me"]);
    }

    [Fact]
    public async Task Scalar_is_served_to_administrators_with_its_script_from_the_app_not_a_cdn()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        // Scalar sends /api/docs to /api/docs/ (so its relative script URL resolves under the prefix).
        using var redirect = await admin.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("/api/docs/", new Uri(new Uri(app.Factory.BaseAddress, "/api/docs"), redirect.Headers.Location!).AbsolutePath);
        using var response = await admin.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(html.Contains("openapi", StringComparison.Ordinal), html);
        Assert.DoesNotContain("cdn.jsdelivr", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unpkg", html, StringComparison.OrdinalIgnoreCase);

        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script), html);
        Assert.DoesNotContain("://", script, StringComparison.Ordinal);
        var scriptUrl = new Uri(new Uri(app.Factory.BaseAddress, "/api/docs/"), script);
        using var js = await admin.GetAsync(scriptUrl);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }
}

/// <summary>/api/users counts bearer calls per user and answers 429 over the limit.</summary>
public sealed class UserApiRateLimitTests
{
    [Fact]
    public async Task Bearer_calls_are_counted_per_user_and_refused_over_the_limit()
    {
        // A day's window: the four calls cannot straddle a window's end (with the minute's window they once did, and the fourth passed).
        await using var factory = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["RateLimits:Api:Limit"] = "3", ["RateLimits:Api:WindowSeconds"] = "86400",
        });
        var adminId = await factory.UserIdAsync(DemoAccounts.Admin);
        var token = await factory.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new AuditActor(adminId, DemoAccounts.Admin, null, true), "limit", ApiTokenService.DefaultLifetime);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Secret);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/api/users");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await client.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues(RateLimitingMiddleware.RemainingHeader).Single());
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        // Per user, not per address: another caller from the same (test) address is still served.
        using var anonymous = factory.CreateClient();
        using var other = await anonymous.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }
}

/// <summary>The services behind the API on the embedded SQLite store (the `dotnet run` default).</summary>
public sealed class UserApiEmbeddedTests
{
    [Fact]
    public async Task Users_and_tokens_work_on_sqlite()
    {
        await using var factory = TaxGeniusAppFactory.CreateEmbedded(extra: new Dictionary<string, string?> { ["Demo:Enabled"] = "true" });
        factory.StartServer();
        var adminId = await factory.UserIdAsync(DemoAccounts.Admin);
        var actor = new AuditActor(adminId, DemoAccounts.Admin, null, true);
        var usersApi = factory.Services.GetRequiredService<UserApiService>();

        var created = await usersApi.CreateAsync(actor, "sqlite.user@example.test", "Sqlite User", "CLIENT");
        Assert.Equal(UserApiOutcome.Ok, created.Outcome);
        Assert.Equal(UserApiOutcome.Duplicate, (await usersApi.CreateAsync(actor, "SQLITE.user@example.test", "Again", "CLIENT")).Outcome);
        var renamed = await usersApi.UpdateAsync(actor, created.User!.Id, "Renamed User", "PREPARER");
        Assert.Equal(("Renamed User", "PREPARER"), (renamed.User!.Name, renamed.User.Role));
        Assert.Equal(UserApiOutcome.Refused, (await usersApi.UpdateAsync(actor, adminId, null, "CLIENT")).Outcome);
        Assert.Equal(UserApiOutcome.Ok, (await usersApi.DeleteAsync(actor, created.User.Id)).Outcome);
        Assert.Equal(UserApiOutcome.NotFound, (await usersApi.DeleteAsync(actor, created.User.Id)).Outcome);

        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var token = await tokens.CreateAsync(actor, "sqlite", TimeSpan.FromDays(1));
        var match = await tokens.FindAsync(token.Secret);
        Assert.Equal((token.Token!.Id, adminId), (match?.TokenId, match?.UserId));
        Assert.NotNull(Assert.Single(await tokens.ListAsync(adminId)).LastUsedAt);
        Assert.True(await tokens.RevokeAsync(actor, token.Token.Id));
        Assert.Null(await tokens.FindAsync(token.Secret));
    }
}
