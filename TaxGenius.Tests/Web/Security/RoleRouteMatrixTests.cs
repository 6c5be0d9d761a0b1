using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// Each role (and a visitor) against every role's pages and API routes: content only where it belongs. Pages send strangers to
/// sign-in and other roles to "access denied"; the API answers 401 and 403 and never redirects.
/// </summary>
public sealed class RoleRouteMatrixTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Anonymous = "anonymous";

    /// <summary>Route → the roles that get its content ("*" = every signed-in role).</summary>
    private static readonly (string Route, string[] Roles)[] Routes =
    [
        ("/client", [Roles.Client]),
        ("/client/profile", [Roles.Client]),
        ("/client/documents", [Roles.Client]),
        ("/client/messages", [Roles.Client]),
        ("/preparer/inbox", [Roles.Preparer, Roles.Admin]),
        ("/preparer/inbox/{client}", [Roles.Preparer, Roles.Admin]),
        ("/preparer", [Roles.Preparer]),
        ("/preparer/queue", [Roles.Preparer, Roles.Admin]),
        ("/preparer/documents/{document}", [Roles.Preparer, Roles.Admin]),
        ("/preparer/signatures", [Roles.Preparer, Roles.Admin]),
        ("/preparer/signatures/{document}", [Roles.Preparer, Roles.Admin]),
        ("/preparer/engagements/{document}/signatures/new", [Roles.Preparer, Roles.Admin]),
        ("/client/signatures/{document}", [Roles.Client]),
        ("/referrer", [Roles.Referrer]),
        ("/admin", [Roles.Admin]),
        ("/admin/users", [Roles.Admin]),
        ("/admin/payouts", [Roles.Admin]),
        ("/admin/audit", [Roles.Admin]),
        ("/admin/outbox", [Roles.Admin]),
        ("/admin/tokens", [Roles.Admin]),
        ("/admin/jobs", [Roles.Admin]),
        ("/admin/compliance", [Roles.Admin]),
        ("/Account/Manage", ["*"]),
        ("/Account/Manage/Sessions", ["*"]),
        ("/Account/Manage/Consents", [Roles.Client]),
        ("/Account/Manage/Close", [Roles.Client]),
        ("/Account/Consent/Referral", [Roles.Client]),
        ("/api/me", ["*"]),
        ("/api/antiforgery", ["*"]),
        ("/api/documents", [Roles.Client]),
        ("/api/documents/{document}", [Roles.Client]),
        ("/api/staff/documents/{document}/content", [Roles.Preparer, Roles.Admin]),
        ("/api/referrals/export.csv", [Roles.Referrer]),
        ("/api/users", [Roles.Admin]),
        ("/api/users/{client}", [Roles.Admin]),
        ("/api/admin/audit/export.csv", [Roles.Admin]),
        ("/api/admin/compliance/evidence.pdf", [Roles.Admin]),
        ("/api/openapi/v1.json", [Roles.Admin]),
        ("/api/docs/", [Roles.Admin]),
    ];

    public static TheoryData<string> Who => [Anonymous, DemoAccounts.Client, DemoAccounts.Preparer, DemoAccounts.Referrer, DemoAccounts.Admin];

    [Theory]
    [MemberData(nameof(Who))]
    public async Task Each_role_gets_content_only_where_it_belongs(string who)
    {
        using var client = who == Anonymous
            ? app.Factory.CreateClient(new() { AllowAutoRedirect = false })
            : await app.Factory.SignInAsync(who);
        var role = who == Anonymous ? null : DemoAccounts.All.Single(a => a.Email == who).Role;
        var (document, clientId) = await DemoClientDocumentAsync();

        var wrong = new List<string>();
        foreach (var (template, allowed) in Routes)
        {
            var route = template.Replace("{document}", document.ToString(), StringComparison.Ordinal).Replace("{client}", clientId.ToString(), StringComparison.Ordinal);
            using var response = await client.GetAsync(route);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location is { } l ? l.PathOnly() : "";
            var isApi = route.StartsWith("/api", StringComparison.Ordinal);
            var outcome = role is not null && (allowed.Contains("*") || allowed.Contains(role)) ? "content"
                : role is null ? "sign-in"
                : "denied";
            // A page reached for a record that is not there (the signature routes take a document's id here) answers 404 in its own
            // words: the role got in. The router's own not-found page would mean the route table names no page.
            var seen = status == 200 || (!isApi && status == 404
                    && !(await response.Content.ReadAsStringAsync()).Contains("We could not find that page", StringComparison.Ordinal)) ? "content"
                : isApi && status == 401 ? "sign-in"
                : isApi && status == 403 ? "denied"
                : !isApi && status == 302 && location == "/Account/Login" ? "sign-in"
                : !isApi && status == 302 && location == "/Account/AccessDenied" ? "denied"
                : $"{status} {location}";
            if (seen != outcome)
            {
                wrong.Add($"{route}: expected {outcome}, got {seen}");
            }
        }

        Assert.True(wrong.Count == 0, $"{who}:{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");
    }

    /// <summary>A document of the demo client (seeded) and the client's id.</summary>
    private async Task<(Guid Document, Guid Client)> DemoClientDocumentAsync()
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var document = await db.Documents.Where(d => d.UserId == clientId).Select(d => d.Id).FirstAsync();
        return (document, clientId);
    }
}
