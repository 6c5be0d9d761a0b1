using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaxGenius.Core.Demo;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web.Api;

/// <summary>Under /api an error always has a ProblemDetails body, also where no endpoint wrote one; pages keep the HTML not-found page.</summary>
public sealed class ApiProblemDetailsTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task Unknown_addresses_wrong_methods_and_the_sign_in_challenge_answer_with_a_ProblemDetails()
    {
        var client = await app.CookieClientAsync(DemoAccounts.Client);
        using var anonymous = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var unknown = await ProblemAsync(await client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        Assert.Equal(ApiProblemDetailsMiddleware.NotFoundDetail, unknown.GetProperty("detail").GetString());
        Assert.Equal("Not Found", unknown.GetProperty("title").GetString());

        using var delete = await client.DeleteAsync("/api/documents");
        var wrongMethod = await ProblemAsync(delete, HttpStatusCode.MethodNotAllowed);
        Assert.NotEmpty(delete.Content.Headers.Allow);
        Assert.Equal($"This address does not take DELETE; it takes {string.Join(", ", delete.Content.Headers.Allow)}.",
            wrongMethod.GetProperty("detail").GetString());

        var challenge = await ProblemAsync(await anonymous.GetAsync("/api/documents"), HttpStatusCode.Unauthorized);
        Assert.Equal(ApiProblemDetailsMiddleware.UnauthorizedDetail, challenge.GetProperty("detail").GetString());

        var referrer = await app.CookieClientAsync(DemoAccounts.Referrer);
        var refused = await ProblemAsync(await referrer.GetAsync("/api/documents"), HttpStatusCode.Forbidden);
        Assert.Equal(ApiProblemDetailsMiddleware.ForbiddenDetail, refused.GetProperty("detail").GetString());

        // A page that does not exist is still the HTML not-found page, not JSON.
        using var page = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_that_cannot_be_read_is_a_400_and_one_that_is_not_JSON_a_415_each_saying_what_to_send()
    {
        var preparer = await app.CookieClientAsync(DemoAccounts.Preparer);
        var address = $"/api/staff/documents/{Guid.NewGuid()}/recognition/fields/box1";

        using var broken = await preparer.PutAsync(address, new StringContent("{\"value\": ", System.Text.Encoding.UTF8, "application/json"));
        var unreadable = await ProblemAsync(broken, HttpStatusCode.BadRequest);
        Assert.Equal(ApiProblemDetailsMiddleware.BadRequestDetail, unreadable.GetProperty("detail").GetString());
        Assert.False(unreadable.TryGetProperty("exception", out _)); // nothing of the request (its cookies) echoed back

        var badParameter = await ProblemAsync(await preparer.GetAsync($"/api/staff/documents/{Guid.NewGuid()}/content?download=maybe"), HttpStatusCode.BadRequest);
        Assert.Equal("The parameter 'download' must be true or false.", badParameter.GetProperty("detail").GetString());

        using var text = await preparer.PutAsync(address, new StringContent("61205.00", System.Text.Encoding.UTF8, "text/plain"));
        var unsupported = await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(ApiProblemDetailsMiddleware.UnsupportedMediaTypeDetail, unsupported.GetProperty("detail").GetString());
    }

    /// <summary>
    /// A query value that does not read as its type is named, with the shape it takes, since the framework's own message goes only to the
    /// server's log; the value sent is not repeated. An audit export over a window that ends before it starts is refused, not an empty file.
    /// </summary>
    [Fact]
    public async Task A_malformed_parameter_is_named_with_the_shape_it_takes()
    {
        var admin = await app.CookieClientAsync(DemoAccounts.Admin);
        var cases = new Dictionary<string, string>
        {
            ["/api/admin/audit/export.csv?from=2026-13-45"] = "The parameter 'from' must be a date written yyyy-MM-dd.",
            ["/api/admin/audit/export.csv?subject=nope"] = "The parameter 'subject' must be an id such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b.",
            ["/api/users?limit=ten"] = "The parameter 'limit' must be a whole number.",
            ["/api/admin/compliance/access-report.csv?scope=client"] = "The parameter 'scope' must be one of StaffMember, Client, ApiToken.",
        };
        foreach (var (address, detail) in cases)
        {
            var problem = await ProblemAsync(await admin.GetAsync(address), HttpStatusCode.BadRequest);
            Assert.Equal(detail, problem.GetProperty("detail").GetString());
        }

        var reversed = await ProblemAsync(await admin.GetAsync("/api/admin/audit/export.csv?from=2026-12-01&to=2026-11-01"), HttpStatusCode.BadRequest);
        Assert.Equal(TaxGenius.Core.Audit.AuditFilter.EndsBeforeItStarts, reversed.GetProperty("detail").GetString());
        using var oneDay = await admin.GetAsync("/api/admin/audit/export.csv?from=2026-12-01&to=2026-12-01");
        Assert.Equal(HttpStatusCode.OK, oneDay.StatusCode);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            return problem;
        }
    }
}
