using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Engagements;

/// <summary>
/// Who reaches an engagement through the app: staff open its page; a client sees their own requests on their home and uploads into
/// their own items only (another client's item is "not found", with nothing stored).
/// </summary>
public sealed class EngagementAccessTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData(DemoAccounts.Preparer, HttpStatusCode.OK)]
    [InlineData(DemoAccounts.Admin, HttpStatusCode.OK)]
    [InlineData(DemoAccounts.Client, HttpStatusCode.Redirect)]
    [InlineData(DemoAccounts.Referrer, HttpStatusCode.Redirect)]
    public async Task Only_staff_open_an_engagement(string email, HttpStatusCode expected)
    {
        var (engagementId, _) = await CaseyAsync();
        using var client = await app.Factory.SignInAsync(email);
        using var response = await client.GetAsync($"/preparer/engagements/{engagementId}");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("Casey Client", html, StringComparison.Ordinal);
            Assert.Contains("W-2 from Acme Corp", html, StringComparison.Ordinal);

            // Casey's other year (last year's return) is one click away, and so are her messages.
            await using var db = await Db();
            var casey = await db.Users.AsNoTracking().Where(u => u.Email == DemoAccounts.Client).Select(u => u.Id).SingleAsync();
            var lastYear = await db.Engagements.AsNoTracking().SingleAsync(e => e.ClientId == casey && e.TaxYear == TaxYears.Current(TimeProvider.System) - 1);
            Assert.Contains($"href=\"preparer/engagements/{lastYear.Id}\"", html, StringComparison.Ordinal);
            Assert.Contains($"{lastYear.TaxYear} return · {EngagementStages.Name(lastYear.Stage)}", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"href=\"preparer/engagements/{engagementId}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"preparer/inbox/{casey}\"", html, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("/Account/AccessDenied", response.Headers.Location!.AbsolutePath);
        }
    }

    [Fact]
    public async Task A_client_without_a_name_is_shown_by_address_once()
    {
        // A new client who has not filled in a profile: the heading is their address, and the line under it does not repeat it.
        var email = $"no-name-{Guid.NewGuid():N}@example.test";
        var clientId = await app.Factory.CreateUserAsync(email, Roles.Client);
        var year = TaxYears.Current(TimeProvider.System);
        var engagement = new Engagement
        {
            ClientId = clientId, TaxYear = year, Stage = EngagementStage.NotStarted, StageChangedAt = DateTime.UtcNow, DueDate = new DateOnly(year + 1, 4, 15),
        };
        await using (var db = await Db())
        {
            db.Engagements.Add(engagement);
            await db.SaveChangesAsync();
        }

        using var client = await app.Factory.SignInAsync(DemoAccounts.Preparer);
        var html = await client.GetStringAsync($"/preparer/engagements/{engagement.Id}");

        Assert.Contains($">{email}</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"due April 15, {year + 1}", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split($">{email}<").Length - 1);
        Assert.DoesNotContain($"{email} ·", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_uploads_into_their_own_item_only()
    {
        var (_, photoItem) = await CaseyAsync();
        var year = TaxYears.Current(TimeProvider.System);
        var otherEmail = $"other-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(otherEmail, Roles.Client);

        // Another client: Casey's item is not found, and nothing of theirs is stored; a malformed id is a 400.
        using (var other = await app.Factory.SignInForApiAsync(otherEmail))
        {
            using var foreign = await other.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "id.pdf", "ID", year, requestItem: photoItem.ToString()));
            Assert.True(foreign.StatusCode == HttpStatusCode.NotFound, $"{foreign.StatusCode}: {await foreign.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
            using var malformed = await other.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "id.pdf", "ID", year, requestItem: "not-an-id"));
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.DoesNotContain("Photo ID (driver", await other.GetStringAsync("/client"), StringComparison.Ordinal);
        }

        // Casey: her home lists the item; her upload into it fulfils it.
        using var casey = await app.Factory.SignInForApiAsync(DemoAccounts.Client);
        Assert.Contains("Photo ID (driver&#x27;s license or passport), front and back", await casey.GetStringAsync("/client"), StringComparison.Ordinal);
        using var own = await casey.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "license.pdf", "ID", year, requestItem: photoItem.ToString()));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var documentId = JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await using var db = await Db();
        var item = await db.RequestItems.AsNoTracking().SingleAsync(i => i.Id == photoItem);
        Assert.Equal(RequestItemStatus.Fulfilled, item.Status);
        Assert.Equal(documentId, item.DocumentId);
    }

    /// <summary>The demo client's current engagement and its open photo-ID item.</summary>
    private async Task<(Guid Engagement, Guid PhotoItem)> CaseyAsync()
    {
        var year = TaxYears.Current(TimeProvider.System);
        await using var db = await Db();
        var engagement = await db.Engagements.AsNoTracking().SingleAsync(e => e.Client!.Email == DemoAccounts.Client && e.TaxYear == year);
        var item = await db.RequestItems.AsNoTracking().SingleAsync(i => i.EngagementId == engagement.Id && i.Kind == RequestKind.PhotoId);
        return (engagement.Id, item.Id);
    }

    private Task<TaxGeniusDbContext> Db() => app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
}
