using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Documents;

/// <summary>
/// One app with a 1 MB upload limit (so "over the limit" is cheap to send), on PostgreSQL and Redis, its documents in a local
/// folder or the test S3 bucket.
/// </summary>
public abstract class DocumentsAppFixture(StoreKind kind) : IAsyncLifetime
{
    public const long Limit = 1024 * 1024;
    private TaxGeniusAppFactory? factory;

    public TaxGeniusAppFactory Factory => factory ?? throw new InvalidOperationException("Not initialized.");

    public TestStore Files { get; } = TestStore.Create(kind);

    public async Task InitializeAsync()
    {
        var settings = Files.AppSettings();
        settings["Storage:MaxFileBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory = await TaxGeniusAppFactory.CreateAsync(extra: settings);
        factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await Files.DisposeAsync();
    }
}

public sealed class LocalFolderDocumentsAppFixture() : DocumentsAppFixture(StoreKind.Local);

public sealed class S3DocumentsAppFixture() : DocumentsAppFixture(StoreKind.S3);

public sealed class DocumentApiOnLocalFolderTests(LocalFolderDocumentsAppFixture app) : DocumentApiTests(app), IClassFixture<LocalFolderDocumentsAppFixture>;

public sealed class DocumentApiOnS3Tests(S3DocumentsAppFixture app) : DocumentApiTests(app), IClassFixture<S3DocumentsAppFixture>;

/// <summary>
/// POST/GET/DELETE /api/documents through the real pipeline: the hostile corpus is refused with a clear reason and leaves nothing
/// stored; a client reaches only their own documents (another client's id answers 404); downloads decrypt to the same bytes.
/// </summary>
public abstract class DocumentApiTests(DocumentsAppFixture app)
{
    private static readonly int Year = TaxYears.Current(TimeProvider.System);

    public static TheoryData<string, string, byte[], string, HttpStatusCode> HostileCorpus => new()
    {
        { "a PDF name with JPEG bytes", "w2-2025.pdf", SampleFiles.Jpeg(), "its content is a JPEG image", HttpStatusCode.UnsupportedMediaType },
        { "a JPEG/PDF polyglot", "scan.jpg", SampleFiles.JpegPdfPolyglot(), "polyglot", HttpStatusCode.UnsupportedMediaType },
        { "a PDF with a ZIP appended", "w2.pdf", SampleFiles.PdfZipPolyglot(), "archive hidden", HttpStatusCode.UnsupportedMediaType },
        { "zero bytes", "w2.pdf", [], "empty", HttpStatusCode.UnsupportedMediaType },
        { "over the limit", "big.pdf", [.. SampleFiles.Pdf(), .. new byte[DocumentsAppFixture.Limit]], "the limit is 1 MB", HttpStatusCode.RequestEntityTooLarge },
        { "a path-traversal name", "../../../etc/passwd.pdf", SampleFiles.Pdf(), "folder path", HttpStatusCode.BadRequest },
        { "a Windows path name", "..\\..\\Windows\\win.ini.pdf", SampleFiles.Pdf(), "folder path", HttpStatusCode.BadRequest },
        { "a 300-character name", new string('a', 296) + ".pdf", SampleFiles.Pdf(), "too long (300 characters)", HttpStatusCode.BadRequest },
        { "a unicode right-to-left override name", "w2-\u202Efdp.exe", SampleFiles.Pdf(), "direction-changing", HttpStatusCode.BadRequest },
        { "a unicode zero-width name", "w2\u200D\u200B.pdf", SampleFiles.Pdf(), "invisible", HttpStatusCode.BadRequest },
        { "a renamed executable", "w2-2025.pdf", SampleFiles.WindowsExecutable(), "Windows program", HttpStatusCode.UnsupportedMediaType },
        { "an executable under its own name", "setup.exe", SampleFiles.WindowsExecutable(), "Windows program", HttpStatusCode.UnsupportedMediaType },
        { "an HTML page", "w2.pdf", "<!DOCTYPE html><script>alert(1)</script>"u8.ToArray(), "recognize", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(HostileCorpus), MemberType = typeof(DocumentApiTests))]
    public async Task Every_hostile_upload_is_refused_with_a_clear_message_and_nothing_is_stored(string what, string name, byte[] content,
        string reason, HttpStatusCode status)
    {
        var email = $"hostile-{Guid.NewGuid():N}@example.test";
        var userId = await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var filesBefore = await StoredFilesAsync();

        using var response = await UploadAsync(client, content, name);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());

        Assert.Equal(0, await CountDocumentsAsync(userId));
        Assert.Equal(filesBefore, await StoredFilesAsync());
        Assert.Equal(0, await app.Files.UnfinishedWritesAsync());
        Assert.NotNull(what);
    }

    [Fact]
    public async Task Over_the_limit_without_a_declared_length_is_stopped_while_streaming()
    {
        var email = $"chunked-{Guid.NewGuid():N}@example.test";
        var userId = await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var filesBefore = await StoredFilesAsync();

        using var request = DocumentUpload.Request(new UnknownLengthContent([.. SampleFiles.Pdf(), .. new byte[2 * DocumentsAppFixture.Limit]]), "big.pdf");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountDocumentsAsync(userId));
        Assert.Equal(filesBefore, await StoredFilesAsync());
        Assert.Equal(0, await app.Files.UnfinishedWritesAsync());
    }

    [Fact]
    public async Task A_PDF_and_a_JPEG_upload_are_stored_encrypted_and_download_as_the_same_bytes_with_a_safe_name()
    {
        var email = $"happy-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var pdf = SampleFiles.Pdf("W-2 for the test");
        var jpeg = SampleFiles.Jpeg(50_000);

        using var pdfResponse = await UploadAsync(client, pdf, "W-2 Acme \"2025\".pdf");
        using var jpegResponse = await UploadAsync(client, jpeg, "1099 photo", type: "FORM_1099");

        Assert.Equal(HttpStatusCode.Created, pdfResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, jpegResponse.StatusCode);
        var pdfDocument = await pdfResponse.Content.ReadFromJsonAsync<JsonElement>();
        var jpegDocument = await jpegResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PENDING", pdfDocument.GetProperty("status").GetString());
        Assert.Equal("W-2 Acme _2025_.pdf", pdfDocument.GetProperty("fileName").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), pdfDocument.GetProperty("sha256").GetString());
        Assert.Equal("image/jpeg", jpegDocument.GetProperty("contentType").GetString());
        Assert.Equal("FORM_1099", jpegDocument.GetProperty("type").GetString());

        // At rest: a random key, not the name; the bytes are not the file's.
        var pdfId = pdfDocument.GetProperty("id").GetGuid();
        var storageKey = await StorageKeyAsync(pdfId);
        Assert.True(EncryptedFileStore.IsStorageKey(storageKey));
        var onDisk = await app.Files.RawAsync(storageKey);
        Assert.True(onDisk.AsSpan().IndexOf("W-2 for the test"u8) < 0);
        Assert.DoesNotContain(await app.Files.EverythingAsync(), f => f.Name.Contains("Acme", StringComparison.Ordinal) || f.Name.Contains(".pdf", StringComparison.Ordinal));

        using var download = await client.GetAsync($"/api/documents/{pdfId}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("W-2 Acme _2025_.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", download.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        // A name without an extension downloads with the extension of what it really is.
        using var jpegDownload = await client.GetAsync($"/api/documents/{jpegDocument.GetProperty("id").GetGuid()}/content");
        Assert.Equal("1099 photo.jpg", jpegDownload.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(jpeg, await jpegDownload.Content.ReadAsByteArrayAsync());

        var list = await client.GetFromJsonAsync<JsonElement>("/api/documents");
        Assert.Equal(2, list.GetArrayLength());
    }

    [Fact]
    public async Task Another_clients_document_answers_404_to_every_route_and_staff_are_refused()
    {
        var owner = $"owner-{Guid.NewGuid():N}@example.test";
        var intruder = $"intruder-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(owner, Roles.Client);
        await app.Factory.CreateUserAsync(intruder, Roles.Client);
        using var ownerClient = await app.Factory.SignInForApiAsync(owner);
        using var intruderClient = await app.Factory.SignInForApiAsync(intruder);
        using var created = await UploadAsync(ownerClient, SampleFiles.Pdf(), "mine.pdf");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await intruderClient.GetAsync($"/api/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruderClient.GetAsync($"/api/documents/{id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruderClient.DeleteAsync($"/api/documents/{id}")).StatusCode);
        Assert.Equal(0, (await intruderClient.GetFromJsonAsync<JsonElement>("/api/documents")).GetArrayLength());
        // The refusal reads exactly like a document that never existed: nothing tells the intruder that it does.
        using (var theirs = await intruderClient.GetAsync($"/api/documents/{id}/content"))
        using (var never = await intruderClient.GetAsync($"/api/documents/{Guid.NewGuid()}/content"))
        {
            static async Task<string> ProblemOf(HttpResponseMessage r)
            {
                var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
                return $"{r.Content.Headers.ContentType?.MediaType} {problem.GetProperty("status")} {problem.GetProperty("title")} {problem.GetProperty("detail")}";
            }

            var refusal = await ProblemOf(theirs);
            Assert.Equal("application/problem+json 404 Not found No such document.", refusal);
            Assert.Equal(await ProblemOf(never), refusal);
        }

        using (var replace = await UploadAsync(intruderClient, SampleFiles.Pdf(), "replacement.pdf", replaces: id))
        {
            Assert.Equal(HttpStatusCode.NotFound, replace.StatusCode);
        }

        // Other roles have no business on the client's API at all; anonymous callers get 401, not a sign-in page.
        using var preparer = await app.Factory.SignInAsync(DemoAccounts.Preparer);
        Assert.Equal(HttpStatusCode.Forbidden, (await preparer.GetAsync($"/api/documents/{id}/content")).StatusCode);
        using var referrer = await app.Factory.SignInAsync(DemoAccounts.Referrer);
        Assert.Equal(HttpStatusCode.Forbidden, (await referrer.GetAsync("/api/documents")).StatusCode);
        using var anonymous = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/documents/{id}/content")).StatusCode);

        // Still there, still the owner's.
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync($"/api/documents/{id}/content")).StatusCode);
    }

    [Fact]
    public async Task Uploads_and_deletes_without_the_antiforgery_header_are_refused()
    {
        var email = $"csrf-{Guid.NewGuid():N}@example.test";
        var userId = await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInAsync(email);

        using var response = await UploadAsync(client, SampleFiles.Pdf(), "w2.pdf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await CountDocumentsAsync(userId));
    }

    [Fact]
    public async Task Delete_works_only_while_PENDING_and_removes_the_file()
    {
        var email = $"delete-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var pending = await UploadIdAsync(client, "pending.pdf");
        var processing = await UploadIdAsync(client, "processing.pdf");
        await SetStatusAsync(processing, DocumentStatus.Processing);
        var pendingKey = await StorageKeyAsync(pending);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/documents/{pending}")).StatusCode);
        using var refused = await client.DeleteAsync($"/api/documents/{processing}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("PENDING", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync(pendingKey));
        Assert.True(await Store.ExistsAsync(await StorageKeyAsync(processing)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/documents/{pending}")).StatusCode);
    }

    [Fact]
    public async Task Only_a_REJECTED_document_can_be_replaced_and_only_once()
    {
        var email = $"replace-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var original = await UploadIdAsync(client, "blurry.pdf");

        using (var tooEarly = await UploadAsync(client, SampleFiles.Pdf(), "sharp.pdf", replaces: original))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooEarly.StatusCode);
            Assert.Contains("Only a rejected document", (await tooEarly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await SetStatusAsync(original, DocumentStatus.Processing);
        await SetStatusAsync(original, DocumentStatus.Rejected, "The scan is cut off at the bottom.");
        using var replaced = await UploadAsync(client, SampleFiles.Pdf(), "sharp.pdf", replaces: original);
        Assert.Equal(HttpStatusCode.Created, replaced.StatusCode);
        Assert.Equal(original, (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replacesDocumentId").GetGuid());

        using var again = await UploadAsync(client, SampleFiles.Pdf(), "sharper.pdf", replaces: original);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already been replaced", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_whose_connection_dies_midway_leaves_no_row_and_no_file()
    {
        var email = $"crash-{Guid.NewGuid():N}@example.test";
        var userId = await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var filesBefore = await StoredFilesAsync();

        // The browser goes away after 300 KB of 900 KB: the request is aborted mid-body.
        using var abort = new CancellationTokenSource();
        using var request = DocumentUpload.Request(new StreamContent(new DyingStream([.. SampleFiles.Pdf(), .. new byte[600_000]], dieAfter: 300_000, abort)), "w2.pdf");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(request, abort.Token));

        // The server notices the broken body, deletes its temporary and never adds the row.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await app.Files.UnfinishedWritesAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, await app.Files.UnfinishedWritesAsync());
        Assert.Equal(filesBefore, await StoredFilesAsync());
        Assert.Equal(0, await CountDocumentsAsync(userId));
    }

    [Fact]
    public async Task Bad_descriptions_get_problem_details_naming_the_field()
    {
        var email = $"fields-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);

        using var badType = await UploadAsync(client, SampleFiles.Pdf(), "w2.pdf", type: "PAYSTUB");
        using var badYear = await UploadAsync(client, SampleFiles.Pdf(), "w2.pdf", year: 1999);

        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        Assert.Contains("FORM_1099", (await badType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badYear.StatusCode);
        Assert.Contains("tax year between", (await badYear.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_file_uploaded_again_is_named_as_a_copy_of_the_first_until_it_is_removed_or_kept()
    {
        var email = $"copy-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(email, Roles.Client);
        using var client = await app.Factory.SignInForApiAsync(email);
        var other = $"copy-other-{Guid.NewGuid():N}@example.test";
        await app.Factory.CreateUserAsync(other, Roles.Client);
        using var otherClient = await app.Factory.SignInForApiAsync(other);

        var first = await UploadIdAsync(client, "w2.pdf");
        Guid copy;
        using (var response = await UploadAsync(client, SampleFiles.Pdf(), "w2-scan.pdf"))
        {
            // Said in the upload's own answer: the earlier one, by name, date and status.
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var uploaded = await response.Content.ReadFromJsonAsync<JsonElement>();
            var duplicateOf = uploaded.GetProperty("duplicateOf");
            Assert.Equal((first, "w2.pdf", "PENDING"), (duplicateOf.GetProperty("documentId").GetGuid(), duplicateOf.GetProperty("fileName").GetString(),
                duplicateOf.GetProperty("status").GetString()));
            copy = uploaded.GetProperty("id").GetGuid();
        }

        var third = await UploadIdAsync(client, "w2 (2).pdf");
        var listed = await ListAsync(client);
        Assert.Equal(JsonValueKind.Null, listed[first].GetProperty("duplicateOf").ValueKind);
        Assert.Equal(first, listed[copy].GetProperty("duplicateOf").GetProperty("documentId").GetGuid());
        Assert.Equal(first, listed[third].GetProperty("duplicateOf").GetProperty("documentId").GetGuid());

        // Another client's identical file is no copy of theirs, and they cannot keep this client's copy.
        var theirs = await UploadIdAsync(otherClient, "w2.pdf");
        Assert.Equal(JsonValueKind.Null, (await ListAsync(otherClient))[theirs].GetProperty("duplicateOf").ValueKind);
        using (var refused = await otherClient.DeleteAsync($"/api/documents/{copy}/duplicate"))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        // Kept: not asked again (twice is fine); the other copy still is.
        for (var i = 0; i < 2; i++)
        {
            using var kept = await client.DeleteAsync($"/api/documents/{copy}/duplicate");
            Assert.Equal(HttpStatusCode.NoContent, kept.StatusCode);
        }

        listed = await ListAsync(client);
        Assert.Equal(JsonValueKind.Null, listed[copy].GetProperty("duplicateOf").ValueKind);
        Assert.Equal(first, listed[third].GetProperty("duplicateOf").GetProperty("documentId").GetGuid());

        // The firm sends the first back: the copy says so, with the reason (the same file does not fix it).
        await SetStatusAsync(first, DocumentStatus.Processing);
        await SetStatusAsync(first, DocumentStatus.Rejected, "Page 2 is missing.");
        var duplicate = (await ListAsync(client))[third].GetProperty("duplicateOf");
        Assert.Equal(("REJECTED", "Page 2 is missing."), (duplicate.GetProperty("status").GetString(), duplicate.GetProperty("rejectionReason").GetString()));

        // Once the firm starts on the copy itself, the firm decides: the client is no longer asked.
        await SetStatusAsync(third, DocumentStatus.Processing);
        Assert.Equal(JsonValueKind.Null, (await ListAsync(client))[third].GetProperty("duplicateOf").ValueKind);

        // The preparer's page for any of them names the others, oldest first, and never the other client's identical file.
        var staff = app.Factory.Services.GetRequiredService<StaffDocumentService>();
        Assert.Equal([(copy, "w2-scan.pdf", DocumentStatus.Pending), (third, "w2 (2).pdf", DocumentStatus.Processing)],
            (await staff.GetDetailAsync(first))!.SameFile!.Select(s => (s.Id, s.FileName, s.Status)));
        Assert.Equal([first, third], (await staff.GetDetailAsync(copy))!.SameFile!.Select(s => s.Id));
        Assert.Empty((await staff.GetDetailAsync(theirs))!.SameFile!);
    }

    private static async Task<Dictionary<Guid, JsonElement>> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement[]>("/api/documents"))!.ToDictionary(d => d.GetProperty("id").GetGuid());

    private EncryptedFileStore Store => app.Factory.Services.GetRequiredService<EncryptedFileStore>();

    private Task<HashSet<string>> StoredFilesAsync() => app.Files.KeysAsync();

    private async Task<int> CountDocumentsAsync(Guid userId)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.CountAsync(d => d.UserId == userId);
    }

    private async Task<string> StorageKeyAsync(Guid documentId)
    {
        await using var db = await app.Factory.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.StorageKey).SingleAsync();
    }

    private async Task SetStatusAsync(Guid documentId, DocumentStatus status, string? reason = null)
    {
        var result = await app.Factory.Services.GetRequiredService<DocumentStatusService>().ChangeStatusAsync(documentId, status, reason, actorIsAdmin: false);
        Assert.True(result.Succeeded, result.Error);
    }

    private static async Task<Guid> UploadIdAsync(HttpClient client, string name)
    {
        using var response = await UploadAsync(client, SampleFiles.Pdf(), name);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string name, string type = "W2", int? year = null, Guid? replaces = null)
    {
        var request = DocumentUpload.Request(new ByteArrayContent(content), name, type, year, replaces);
        return client.SendAsync(request);
    }

    /// <summary>A body sent without Content-Length (chunked): the limit must hold while streaming.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A request body whose sender goes away after <paramref name="dieAfter"/> bytes (the request is aborted).</summary>
    private sealed class DyingStream(byte[] bytes, int dieAfter, CancellationTokenSource abort) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= dieAfter)
            {
                await abort.CancelAsync();
                await Task.Delay(Timeout.Infinite, abort.Token);
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 16 * 1024)], cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 16 * 1024));
    }
}
