using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>
/// The S3 bucket taken away from a running app (a relay in front of the real S3 server is cut), before and in the middle of an
/// upload: the client gets a clear 503 that says nothing was saved, no row is written, nothing is left in the bucket (not even
/// the parts of a multipart upload), and uploads work again as soon as the bucket is back.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const int PartSize = 5 * 1024 * 1024;
    private readonly TestStore files = TestStore.Create(StoreKind.S3);
    private TcpRelay relay = default!;
    private TaxGeniusAppFactory app = default!;

    public async Task InitializeAsync()
    {
        var endpoint = new Uri(files.Options!.ServiceUrl!);
        relay = new TcpRelay(endpoint);
        var settings = files.AppSettings();
        settings["Storage:S3:ServiceUrl"] = relay.Address(endpoint).ToString();
        settings["Storage:S3:MaxErrorRetry"] = "1";
        settings["Storage:S3:TimeoutSeconds"] = "10";
        settings["Storage:MaxFileBytes"] = (4 * PartSize).ToString(CultureInfo.InvariantCulture);
        app = await TaxGeniusAppFactory.CreateAsync(extra: settings);
        app.StartServer();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await relay.DisposeAsync();
        await files.DisposeAsync();
    }

    [Fact]
    public async Task An_upload_while_the_bucket_is_unreachable_answers_503_saves_nothing_and_the_next_one_works()
    {
        var email = $"outage-{Guid.NewGuid():N}@example.test";
        var userId = await app.CreateUserAsync(email, Roles.Client);
        using var client = await app.SignInForApiAsync(email);
        using (var first = await client.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "w2.pdf")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var objectsBefore = await files.KeysAsync();
        relay.Cut();

        using (var refused = await client.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "1099.pdf")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(ClientDocumentService.StorageUnavailableMessage, problem.GetProperty("detail").GetString());
        }

        // The client's list (the database) still works while the bucket is away; opening a stored file says "try again".
        using (var list = await client.GetAsync("/api/documents"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal(1, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        }

        var firstId = await DocumentIdsAsync(userId);
        using (var open = await client.GetAsync($"/api/documents/{firstId.Single()}/content"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
            Assert.Contains("document storage", (await open.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Single(firstId);
        Assert.Equal(objectsBefore, await files.KeysAsync());
        Assert.Equal(0, await files.UnfinishedWritesAsync());
        Assert.Equal("Unhealthy", await StorageHealthAsync());

        relay.Restore();
        Assert.Equal("Healthy", await StorageHealthAsync());
        using (var again = await client.SendAsync(DocumentUpload.Request(new ByteArrayContent(SampleFiles.Pdf()), "1099.pdf")))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        }

        Assert.Equal(2, (await DocumentIdsAsync(userId)).Count);
        Assert.Equal(objectsBefore.Count + 1, (await files.KeysAsync()).Count);
    }

    [Fact]
    public async Task The_bucket_lost_in_the_middle_of_a_multipart_upload_leaves_no_row_no_object_and_no_parts()
    {
        var email = $"midway-{Guid.NewGuid():N}@example.test";
        var userId = await app.CreateUserAsync(email, Roles.Client);
        using var client = await app.SignInForApiAsync(email);
        var objectsBefore = await files.KeysAsync();

        // A photo of 3.5 parts: the relay is cut once the first part has gone through to the bucket.
        var body = SampleFiles.Jpeg((int)(3.5 * PartSize));
        var sentBefore = relay.BytesToServer;
        using var content = new StreamContent(new CuttingStream(body, () =>
        {
            if (relay.BytesToServer - sentBefore > PartSize)
            {
                relay.Cut();
            }
        }));
        using var refused = await client.SendAsync(DocumentUpload.Request(content, "scan.jpg"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(ClientDocumentService.StorageUnavailableMessage,
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Empty(await DocumentIdsAsync(userId));
        Assert.Equal(objectsBefore, await files.KeysAsync());

        // The first part reached the bucket; its upload is aborted as soon as the bucket answers again.
        relay.Restore();
        await Eventually.TrueAsync(() => files.UnfinishedWritesAsync().GetAwaiter().GetResult() == 0, TimeSpan.FromSeconds(30));
        using var again = await client.SendAsync(DocumentUpload.Request(new ByteArrayContent(body), "scan.jpg"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Single(await DocumentIdsAsync(userId));
    }

    /// <summary>The storage entry of /health/ready.</summary>
    private async Task<string?> StorageHealthAsync()
    {
        using var client = app.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        var storage = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("storage");
        // Anonymous endpoint: the kind of store, never the bucket's name or host.
        var description = storage.GetProperty("description").GetString()!;
        Assert.StartsWith("S3 bucket", description, StringComparison.Ordinal);
        Assert.DoesNotContain(files.Options!.Bucket, description, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", description, StringComparison.Ordinal);
        return storage.GetProperty("status").GetString();
    }

    private async Task<List<Guid>> DocumentIdsAsync(Guid userId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.UserId == userId).Select(d => d.Id).ToListAsync();
    }

    /// <summary>A request body read in 64 KiB pieces that calls <paramref name="onRead"/> before each (to cut the relay at the right moment).</summary>
    private sealed class CuttingStream(byte[] content, Action onRead) : Stream
    {
        private int position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            onRead();
            var n = Math.Min(Math.Min(count, 64 * 1024), content.Length - position);
            Array.Copy(content, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => content.Length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
