using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Preparer;

/// <summary>
/// The preparer's document page and the staff streaming endpoint over HTTP: staff only (clients and referrers are refused,
/// not just hidden in the UI), every content access audited with who and from where; SSN reveal needs the password again
/// and is audited either way; notes are audited.
/// </summary>
public sealed class StaffAccessTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData(DemoAccounts.Client)]
    [InlineData(DemoAccounts.Referrer)]
    public async Task Clients_and_referrers_cannot_reach_preparer_pages_or_the_streaming_endpoint(string email)
    {
        var id = await DemoDocumentAsync();
        using var client = await app.Factory.SignInAsync(email);

        foreach (var path in new[] { "/preparer", $"/preparer/documents/{id}" })
        {
            using var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/Account/AccessDenied", page.Headers.Location!.AbsolutePath);
        }

        foreach (var path in new[] { $"/api/staff/documents/{id}/content", $"/api/staff/documents/{id}/content?download=true" })
        {
            using var content = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, content.StatusCode);
        }

        using var anonymous = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/staff/documents/{id}/content")).StatusCode);
        Assert.Equal("/Account/Login", (await anonymous.GetAsync($"/preparer/documents/{id}")).Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData(DemoAccounts.Preparer)]
    [InlineData(DemoAccounts.Admin)]
    public async Task Staff_view_and_download_any_document_and_each_access_is_audited(string email)
    {
        var id = await DemoDocumentAsync();
        using var staff = await app.Factory.SignInAsync(email);
        var before = await AuditCountAsync(id);

        using var page = await staff.GetAsync($"/preparer/documents/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var inline = await staff.GetAsync($"/api/staff/documents/{id}/content");
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/pdf", inline.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await inline.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);
        using var download = await staff.GetAsync($"/api/staff/documents/{id}/content?download=true");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        var entries = await AuditAsync(id);
        // The page view and the download; the page also shows the boxes recognition read from the sample W-2, which is its own
        // audited access (fields viewed) once recognition has finished.
        Assert.Equal([AuditActions.DocumentViewed, AuditActions.DocumentDownloaded],
            entries.Skip(before).Select(e => e.Action).Where(a => a != AuditActions.DocumentFieldsViewed));
        var viewed = entries.Single(e => e.Action == AuditActions.DocumentViewed && e.ActorEmail == email && e.At >= DateTime.UtcNow.AddMinutes(-1));
        var downloaded = entries.Last(e => e.Action == AuditActions.DocumentDownloaded && e.ActorEmail == email);
        // (The in-memory test server has no client address; the browser journey checks the recorded IP over a real socket.)
        Assert.Equal(await app.Factory.UserIdAsync(email), viewed.ActorId);
        Assert.Equal(await app.Factory.UserIdAsync(DemoAccounts.Client), downloaded.SubjectUserId);

        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/staff/documents/{Guid.CreateVersion7()}/content")).StatusCode);
    }

    [Fact]
    public async Task An_iPhone_HEIC_is_shown_to_staff_as_a_JPEG_without_its_metadata_while_the_download_is_the_original()
    {
        var heic = SampleFiles.HeicForm();
        var owner = await app.Factory.CreateUserAsync("heic.owner@example.test", Roles.Client);
        var uploaded = await app.Factory.Services.GetRequiredService<ClientDocumentService>()
            .UploadAsync(owner, new UploadRequest("IMG_0412.HEIC", DocumentType.Form1099, TaxYears.Current(TimeProvider.System)), new MemoryStream(heic), heic.Length);
        Assert.True(uploaded.Succeeded, uploaded.Error);
        var id = uploaded.Document!.Id;
        Assert.True((await app.Factory.Services.GetRequiredService<StaffDocumentService>().GetDetailAsync(id))!.CanPreview);
        using var staff = await app.Factory.SignInAsync(DemoAccounts.Preparer);
        var before = await AuditCountAsync(id);

        using var inline = await staff.GetAsync($"/api/staff/documents/{id}/content");
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal("image/jpeg", inline.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType);
        using (var jpeg = new ImageMagick.MagickImage(await inline.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(ImageMagick.MagickFormat.Jpeg, jpeg.Format);
            Assert.True(jpeg.Width is > 500 and <= ImagePreview.MaxSide && jpeg.Height > jpeg.Width, $"{jpeg.Width}x{jpeg.Height}");
            Assert.Null(jpeg.GetExifProfile());
        }

        using var download = await staff.GetAsync($"/api/staff/documents/{id}/content?download=true");
        Assert.Equal("image/heic", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(heic, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(before + 2, await AuditCountAsync(id));
    }

    [Fact]
    public async Task Revealing_an_SSN_needs_the_password_and_every_attempt_is_audited()
    {
        using var scope = app.Factory.Services.CreateScope();
        var clientId = await app.Factory.UserIdAsync(DemoAccounts.Client);
        var preparerId = await app.Factory.UserIdAsync(DemoAccounts.Preparer);
        var setSsn = await scope.ServiceProvider.GetRequiredService<SsnService>().SetAsync(clientId, "219-09-9999");
        Assert.True(setSsn.Succeeded, setSsn.Error);
        var reveal = scope.ServiceProvider.GetRequiredService<SsnRevealService>();
        var actor = new AuditActor(preparerId, DemoAccounts.Preparer, "198.51.100.4");

        var wrong = await reveal.RevealAsync(actor, clientId, null, "not my password at all");
        Assert.False(wrong.Succeeded);
        // Staff have an authenticator app (required): either answer is accepted, and the refusal says so.
        Assert.Equal("That is neither your password nor a current code from your authenticator app.", wrong.Error);
        Assert.DoesNotContain("9999", wrong.Error, StringComparison.Ordinal);

        var right = await reveal.RevealAsync(actor, clientId, null, TaxGeniusAppFactory.DemoPassword);
        Assert.Equal("219-09-9999", right.Ssn);
        Assert.InRange(right.VisibleUntil!.Value - DateTimeOffset.UtcNow, SsnRevealService.VisibleFor - TimeSpan.FromSeconds(5), SsnRevealService.VisibleFor);

        // A client cannot reveal anyone's SSN, their own included, by this path.
        var byClient = await reveal.RevealAsync(new AuditActor(clientId, DemoAccounts.Client, null), clientId, null, TaxGeniusAppFactory.DemoPassword);
        Assert.False(byClient.Succeeded);

        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var entries = await db.AuditEntries.Where(a => a.SubjectUserId == clientId && a.Action.StartsWith("ssn.")).OrderBy(a => a.At).ToListAsync();
        Assert.Equal([AuditActions.SsnRevealRefused, AuditActions.SsnRevealed], entries.Select(e => e.Action).ToList());
        Assert.All(entries, e => Assert.Equal(preparerId, e.ActorId));
        Assert.All(entries, e => Assert.Equal("198.51.100.4", e.IpAddress));
        Assert.All(entries, e => Assert.DoesNotContain("219", e.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notes_are_validated_audited_and_never_reach_the_client()
    {
        var id = await DemoDocumentAsync();
        var preparerId = await app.Factory.UserIdAsync(DemoAccounts.Preparer);
        var documents = app.Factory.Services.GetRequiredService<StaffDocumentService>();
        var actor = new AuditActor(preparerId, DemoAccounts.Preparer, "198.51.100.4");

        Assert.Equal("Write the note first.", await documents.AddNoteAsync(actor, id, "   "));
        Assert.Contains("under 2000 characters", await documents.AddNoteAsync(actor, id, new string('x', 2001)), StringComparison.Ordinal);
        Assert.Null(await documents.AddNoteAsync(actor, id, "Employer EIN looks off; check against last year's return."));

        var detail = await documents.GetDetailAsync(id);
        var added = Assert.Single(detail!.Notes);
        Assert.Equal("Employer EIN looks off; check against last year's return.", added.Text);
        // Colleagues see who wrote it by name (the demo preparer's profile), not by address.
        Assert.Equal("Parker Preparer", added.Author);
        Assert.Contains((await AuditAsync(id)).Select(e => e.Action), a => a == AuditActions.DocumentNoteAdded);

        // The client's API has no notes in it.
        using var client = await app.Factory.SignInAsync(DemoAccounts.Client);
        var json = await client.GetStringAsync($"/api/documents/{id}");
        Assert.DoesNotContain("EIN", json, StringComparison.Ordinal);
        Assert.DoesNotContain("note", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Admins_can_reassign_to_any_preparer_listed_and_the_change_is_audited()
    {
        var id = await DemoDocumentAsync();
        var documents = app.Factory.Services.GetRequiredService<StaffDocumentService>();
        var preparers = await documents.ListPreparersAsync();
        var preparer = Assert.Single(preparers, p => p.Email == DemoAccounts.Preparer);
        Assert.DoesNotContain(preparers, p => p.Email == DemoAccounts.Client || p.Email == DemoAccounts.Admin);

        var admin = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Admin), DemoAccounts.Admin, "198.51.100.9", IsAdmin: true);
        var result = await app.Factory.Services.GetRequiredService<DocumentStatusService>().ReassignAsync(admin, id, preparer.Id);

        Assert.True(result.Succeeded, result.Error);
        var detail = (await documents.GetDetailAsync(id))!;
        Assert.Equal(preparer.Id, detail.AssignedToId);
        // The page says "Claimed by Parker Preparer"; the address stays available for the tooltip.
        Assert.Equal("Parker Preparer", detail.Assignee);
        Assert.Equal(DemoAccounts.Preparer, detail.AssignedToEmail);
        Assert.Contains((await AuditAsync(id)).Select(e => e.Action), a => a == AuditActions.DocumentReassigned);
    }

    [Fact]
    public async Task A_claim_shows_the_preparer_by_name_in_the_workflow_and_the_history()
    {
        var id = await DemoDocumentAsync();
        await UnclaimAsync(id);
        var preparerId = await app.Factory.UserIdAsync(DemoAccounts.Preparer);
        var actor = new AuditActor(preparerId, DemoAccounts.Preparer, "198.51.100.4");

        var result = await app.Factory.Services.GetRequiredService<DocumentStatusService>().ClaimAsync(actor, id, null);

        Assert.True(result.Succeeded, result.Error);
        var detail = (await app.Factory.Services.GetRequiredService<StaffDocumentService>().GetDetailAsync(id))!;
        Assert.Equal("Parker Preparer", detail.Assignee);
        var claimed = detail.History[^1];
        Assert.Equal(DocumentStatus.Processing, claimed.To);
        Assert.Equal("Parker Preparer", claimed.ActorName);

        // Back in the queue for the other tests, which work on the demo client's pending document.
        await UnclaimAsync(id);
    }

    private async Task UnclaimAsync(Guid id)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        await db.Documents.Where(d => d.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, DocumentStatus.Pending).SetProperty(d => d.AssignedToId, (Guid?)null).SetProperty(d => d.AssignedAt, (DateTime?)null));
    }

    private async Task<Guid> DemoDocumentAsync()
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.User!.Email == DemoAccounts.Client && d.Status == DocumentStatus.Pending).Select(d => d.Id).FirstAsync();
    }

    private async Task<int> AuditCountAsync(Guid documentId) => (await AuditAsync(documentId)).Count;

    private async Task<List<AuditEntry>> AuditAsync(Guid documentId)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(a => a.SubjectId == documentId).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync();
    }
}
