using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Web.Api;

/// <summary>
/// /api/users through the real pipeline (cookie + antiforgery header): validation, duplicates, 404s, who may call it, mass assignment
/// refused with nothing changed, and no SSN in any answer.
/// </summary>
public sealed class UserApiTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { """{"email":"","name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { """{"email":"not-an-address","name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { """{"email":"Ada <ada@example.test>","name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { $$"""{"email":"{{new string('a', 250)}}@example.test","name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { """{"email":42,"name":"Ada Lovelace","role":"CLIENT"}""", "email" },
        { """{"email":"ada@example.test","role":"CLIENT"}""", "name" },
        { """{"email":"ada@example.test","name":"A","role":"CLIENT"}""", "name" },
        { """{"email":"ada@example.test","name":"   ","role":"CLIENT"}""", "name" },
        { $$"""{"email":"ada@example.test","name":"{{new string('n', 101)}}","role":"CLIENT"}""", "name" },
        { """{"email":"ada@example.test","name":"Ada Lovelace"}""", "role" },
        { """{"email":"ada@example.test","name":"Ada Lovelace","role":"ADMIN"}""", "role" },
        { """{"email":"ada@example.test","name":"Ada Lovelace","role":"client"}""", "role" },
        { """{"email":"ada@example.test","name":"Ada Lovelace","role":"SUPERUSER"}""", "role" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_refuses_an_invalid_body_with_the_field_error(string body, string field)
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var response = await admin.PostAsync("/api/users", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadJsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no '{field}' error in {errors}");
        Assert.NotEmpty(messages.EnumerateArray());
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "ADA@EXAMPLE.TEST"));
    }

    [Theory]
    [InlineData("/api/users?role=SUPERUSER", "role")]
    [InlineData("/api/users?role=admin", "role")]
    [InlineData("/api/users?limit=0", "limit")]
    [InlineData("/api/users?limit=201", "limit")]
    [InlineData("/api/users?after=garbage", "after")]
    public async Task List_refuses_bad_query_values_with_the_field_error(string url, string field)
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var response = await admin.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task List_filters_by_role_and_pages_with_a_cursor()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        var clients = await ReadJsonAsync(await admin.GetAsync("/api/users?role=CLIENT"));
        Assert.All(clients.GetProperty("users").EnumerateArray(), u => Assert.Equal("CLIENT", u.GetProperty("role").GetString()));
        Assert.Contains(clients.GetProperty("users").EnumerateArray(), u => u.GetProperty("email").GetString() == DemoAccounts.Client);

        var first = await ReadJsonAsync(await admin.GetAsync("/api/users?limit=1"));
        var next = first.GetProperty("next").GetString();
        Assert.NotNull(next);
        var second = await ReadJsonAsync(await admin.GetAsync($"/api/users?limit=1&after={next}"));
        Assert.NotEqual(first.GetProperty("users")[0].GetProperty("id").GetGuid(), second.GetProperty("users")[0].GetProperty("id").GetGuid());
        var all = await ReadJsonAsync(await admin.GetAsync("/api/users"));
        Assert.True(all.GetProperty("users").GetArrayLength() >= 4);
    }

    [Fact]
    public async Task Create_makes_an_unconfirmed_passwordless_account_audits_it_and_mails_a_set_password_link()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var response = await admin.PostAsync("/api/users", Json("""{"email":"grace@example.test","name":"Grace Hopper","role":"PREPARER"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadJsonAsync(response);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/users/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Grace Hopper", body.GetProperty("name").GetString());
        Assert.Equal("PREPARER", body.GetProperty("role").GetString());
        Assert.False(body.GetProperty("emailConfirmed").GetBoolean());
        Assert.Equal("UNCONFIRMED", body.GetProperty("state").GetString());

        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        Assert.Null(user.PasswordHash);
        Assert.False(user.EmailConfirmed);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.UserCreated && a.SubjectId == id));
        var mail = await app.Factory.WaitForEmailAsync("grace@example.test");
        Assert.Contains("Account/ResetPassword?code=", mail.HtmlBody, StringComparison.Ordinal);

        using var again = await admin.GetAsync($"/api/users/{id}");
        Assert.Equal(id, (await ReadJsonAsync(again)).GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData(DemoAccounts.Client)]
    [InlineData("CLIENT@demo.taxgenius.test")]
    public async Task Create_with_a_used_address_is_409(string email)
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var response = await admin.PostAsync("/api/users", Json($$"""{"email":"{{email}}","name":"Someone Else","role":"CLIENT"}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_missing_id_is_404_on_get_patch_and_delete()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        var url = $"/api/users/{Guid.CreateVersion7()}";
        using var get = await admin.GetAsync(url);
        using var patch = await admin.PatchAsync(url, Json("""{"name":"Nobody Here"}"""));
        using var delete = await admin.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/users" },
        { "POST", "/api/users" },
        { "GET", "/api/users/{id}" },
        { "PATCH", "/api/users/{id}" },
        { "DELETE", "/api/users/{id}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Only_administrators_reach_the_routes(string method, string route)
    {
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var url = route.Replace("{id}", clientId.ToString(), StringComparison.Ordinal);
        HttpRequestMessage Request() => new(new HttpMethod(method), url)
        {
            Content = method is "POST" or "PATCH" ? Json("""{"email":"x@example.test","name":"Mallory Mal","role":"CLIENT"}""") : null,
        };

        foreach (var email in new[] { DemoAccounts.Client, DemoAccounts.Preparer, DemoAccounts.Referrer })
        {
            var client = await app.CookieClientAsync(email);
            using var response = await client.SendAsync(Request());
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var anonymous = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var anonymousResponse = await anonymous.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);

        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.True(await db.Users.AnyAsync(u => u.Id == clientId));
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "X@EXAMPLE.TEST"));
    }

    public static TheoryData<string> RefusedPatches => new()
    {
        """{"ssnEncrypted":"v1:abc"}""",
        """{"SsnEncrypted":"v1:abc"}""",
        """{"passwordHash":"AQAAAA"}""",
        """{"securityStamp":"STAMP"}""",
        """{"emailConfirmed":false}""",
        """{"id":"00000000-0000-0000-0000-000000000001"}""",
        """{"lockoutEnd":null}""",
        """{"twoFactorEnabled":true}""",
        """{"email":"other@example.test"}""",
        """{"name":"Changed Name","isAdmin":true}""",
        """{"role":"PREPARER","passwordHash":null}""",
        """{"unknown":1}""",
    };

    [Theory]
    [MemberData(nameof(RefusedPatches))]
    public async Task Patch_refuses_any_other_property_and_changes_nothing(string body)
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var before = await SnapshotAsync(clientId);

        using var response = await admin.PatchAsync($"/api/users/{clientId}", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        var refused = problem.GetProperty("refusedFields").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(refused, f => body.Contains($"\"{f}\"", StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync(clientId));
    }

    [Fact]
    public async Task Patch_changes_name_and_role_and_keeps_the_last_administrator()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        using var created = await admin.PostAsync("/api/users", Json("""{"email":"patch.me@example.test","name":"Patch Me","role":"CLIENT"}"""));
        var id = (await ReadJsonAsync(created)).GetProperty("id").GetGuid();

        using var patched = await admin.PatchAsync($"/api/users/{id}", Json("""{"name":"Patched Person","role":"REFERRER"}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await ReadJsonAsync(patched);
        Assert.Equal("Patched Person", body.GetProperty("name").GetString());
        Assert.Equal("REFERRER", body.GetProperty("role").GetString());

        using var invalid = await admin.PatchAsync($"/api/users/{id}", Json("""{"name":"X","role":"ADMIN"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await ReadJsonAsync(invalid)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("role", out _));

        var adminId = await app.Factory.UserIdAsync(DemoAccounts.Admin);
        using var demote = await admin.PatchAsync($"/api/users/{adminId}", Json("""{"role":"CLIENT"}"""));
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        using var deleteSelf = await admin.DeleteAsync($"/api/users/{adminId}");
        Assert.Equal(HttpStatusCode.Conflict, deleteSelf.StatusCode);

        using var deleted = await admin.DeleteAsync($"/api/users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await admin.GetAsync($"/api/users/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Cookie_calls_that_change_state_need_the_antiforgery_header()
    {
        using var client = await app.Factory.SignInAsync(DemoAccounts.Admin);
        using var response = await client.PostAsync("/api/users", Json("""{"email":"csrf@example.test","name":"Cross Site","role":"CLIENT"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == "CSRF@EXAMPLE.TEST"));
    }

    [Fact]
    public async Task No_answer_mentions_an_ssn_even_for_a_client_who_has_one()
    {
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var saved = await app.Factory.Services.GetRequiredService<SsnService>().SetAsync(clientId, "123-45-6789");
        Assert.True(saved.Succeeded, saved.Error);
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);

        var bodies = new List<string>
        {
            await admin.GetStringAsync("/api/users"),
            await admin.GetStringAsync("/api/users?role=CLIENT"),
            await admin.GetStringAsync($"/api/users/{clientId}"),
        };
        using (var patched = await admin.PatchAsync($"/api/users/{clientId}", Json("""{"name":"Demo Client"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            bodies.Add(await patched.Content.ReadAsStringAsync());
        }

        using (var refused = await admin.PatchAsync($"/api/users/{clientId}", Json("""{"ssnEncrypted":"x"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.All(bodies, body =>
        {
            Assert.DoesNotContain("ssn", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("6789", body, StringComparison.Ordinal);
        });
    }

    /// <summary>The user's row and profile row, every column, as JSON.</summary>
    private async Task<string> SnapshotAsync(Guid id)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        var profile = await db.Profiles.AsNoTracking().Where(p => p.UserId == id).Select(p => new { p.FirstName, p.LastName, p.UpdatedAt }).SingleOrDefaultAsync();
        var roles = await db.UserRoles.Where(r => r.UserId == id).Select(r => r.RoleId).ToListAsync();
        return JsonSerializer.Serialize(new
        {
            user.Id, user.Email, user.NormalizedEmail, user.UserName, user.EmailConfirmed, user.PasswordHash, user.SecurityStamp,
            user.ConcurrencyStamp, user.SsnEncrypted, user.LockoutEnd, user.LockoutEnabled, user.TwoFactorEnabled, user.AccessFailedCount,
            user.LockedAt, user.DeactivatedAt, user.CreatedAt, user.UpdatedAt, user.PhoneNumber, profile, roles,
        });
    }
}
