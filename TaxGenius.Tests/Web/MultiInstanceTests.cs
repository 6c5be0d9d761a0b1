using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Dashboards;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Live;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>Two app instances on one PostgreSQL database and one Redis, as behind a load balancer.</summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private TwoInstances apps = default!;

    private TaxGeniusAppFactory A => apps.A;

    private TaxGeniusAppFactory B => apps.B;

    public async Task InitializeAsync() => apps = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await apps.DisposeAsync();

    [Fact]
    public async Task A_sign_in_cookie_from_one_instance_is_accepted_by_the_other()
    {
        // Signed in on A through the real forms (password, then the demo client's authenticator code).
        var jar = new CookieContainer();
        using (await A.SignInAsync(DemoAccounts.Client, cookies: jar))
        {
        }

        var authCookie = jar.GetCookieHeader(A.ClientOptions.BaseAddress);
        Assert.Contains("TaxGenius.Auth=", authCookie, StringComparison.Ordinal);

        using var onB = B.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/client");
        request.Headers.Add("Cookie", authCookie);
        using var response = await onB.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Welcome", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_on_one_instance_invalidates_what_the_other_cached()
    {
        var homesOnA = A.Services.GetRequiredService<RoleHomeService>();
        var before = await homesOnA.GetDocumentCountsAsync();
        Assert.Equal(before, await homesOnA.GetDocumentCountsAsync()); // now cached

        Guid pending;
        await using (var db = await B.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            pending = await db.Documents.Where(d => d.Status == DocumentStatus.Pending).Select(d => d.Id).FirstAsync();
        }

        var result = await B.Services.GetRequiredService<DocumentStatusService>().ChangeStatusAsync(pending, DocumentStatus.Processing, null, actorIsAdmin: false);
        Assert.True(result.Succeeded, result.Error);

        var after = await homesOnA.GetDocumentCountsAsync();
        Assert.Equal(before[DocumentStatus.Pending] - 1, after[DocumentStatus.Pending]);
        Assert.Equal(before[DocumentStatus.Processing] + 1, after[DocumentStatus.Processing]);
    }

    [Fact]
    public async Task A_status_change_on_one_instance_reaches_the_clients_hub_connection_on_the_other()
    {
        await using var db = await A.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.Include(d => d.User).FirstAsync(d => d.Status == DocumentStatus.Processing);
        // The client's browser is connected to A's live hub; the preparer works on B. Redis carries the event between them.
        await using var clientOnA = await LiveListener.ConnectAsync(A, document.User!.Email!);

        var result = await B.Services.GetRequiredService<DocumentStatusService>()
            .ChangeStatusAsync(document.Id, DocumentStatus.Rejected, "The W-2 is cut off at the bottom.", actorIsAdmin: false);
        Assert.True(result.Succeeded, result.Error);

        var change = await clientOnA.WaitForAsync<DocumentStatusChanged>(LiveEventNames.Document, c => c.DocumentId == document.Id, TimeSpan.FromSeconds(1));
        Assert.Equal(DocumentStatus.Rejected, change.Status);
        Assert.Equal("The W-2 is cut off at the bottom.", change.RejectionReason);
    }

    private static string CookiesFrom(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0])
            : []);
}
