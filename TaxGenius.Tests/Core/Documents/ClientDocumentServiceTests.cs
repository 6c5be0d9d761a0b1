using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Recognition;
using TaxGenius.Core.Security;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Live;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Documents;

/// <summary>The client's document service on both providers: own rows only, a row never without its file, leftovers swept.</summary>
public sealed class ClientDocumentServiceTests : IAsyncLifetime
{
    private readonly List<TestStore> stores = [];
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task A_client_reaches_only_their_own_documents(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (service, _, files) = Create(database, storeKind);
        var owner = await TestUsers.CreateAsync(database, "owner@example.test");
        var other = await TestUsers.CreateAsync(database, "other@example.test");
        var uploaded = await UploadAsync(service, owner, "w2.pdf", SampleFiles.Pdf());

        Assert.Single(await service.ListAsync(owner));
        Assert.Empty(await service.ListAsync(other));
        Assert.Null(await service.FindAsync(other, uploaded.Id));
        Assert.Null(await service.OpenAsync(other, uploaded.Id));
        Assert.Equal(DeleteOutcome.NotFound, await service.DeleteAsync(other, uploaded.Id));
        var replace = await service.UploadAsync(other, new UploadRequest("x.pdf", DocumentType.W2, 2025, uploaded.Id), new MemoryStream(SampleFiles.Pdf()));
        Assert.Equal(UploadFailure.NotFound, replace.Failure);

        var content = await service.OpenAsync(owner, uploaded.Id);
        Assert.NotNull(content);
        using var copy = new MemoryStream();
        await using (content.Content)
        {
            await content.Content.CopyToAsync(copy);
        }

        Assert.Equal(SampleFiles.Pdf(), copy.ToArray());
        Assert.Single(await files.KeysAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task When_the_row_cannot_be_saved_the_file_is_removed_too(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (service, _, files) = Create(database, storeKind);

        // No such user: the foreign key refuses the row after the file was written.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() =>
            service.UploadAsync(Guid.CreateVersion7(), new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SampleFiles.Pdf())));

        Assert.Empty(await files.KeysAsync());
        Assert.Equal(0, await files.UnfinishedWritesAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Refused_files_leave_no_row_and_no_file(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (service, _, files) = Create(database, storeKind);
        var owner = await TestUsers.CreateAsync(database, "owner@example.test");

        var results = new[]
        {
            await service.UploadAsync(owner, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SampleFiles.Jpeg())),
            await service.UploadAsync(owner, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(SampleFiles.WindowsExecutable())),
            await service.UploadAsync(owner, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream([])),
            await service.UploadAsync(owner, new UploadRequest("w2.pdf", DocumentType.W2, 2025), new MemoryStream(new byte[2 * 1024 * 1024])),
            await service.UploadAsync(owner, new UploadRequest("w2.pdf", DocumentType.W2, 1990), new MemoryStream(SampleFiles.Pdf())),
        };

        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.All(results, r => Assert.False(string.IsNullOrWhiteSpace(r.Error)));
        Assert.Empty(await service.ListAsync(owner));
        Assert.Empty(await files.KeysAsync());
        Assert.Equal(0, await files.UnfinishedWritesAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task The_sweeper_removes_only_old_leftovers(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (service, store, files) = Create(database, storeKind);
        var owner = await TestUsers.CreateAsync(database, "owner@example.test");
        var kept = await UploadAsync(service, owner, "kept.pdf", SampleFiles.Pdf());
        var orphan = await store.WriteAsync(new MemoryStream(SampleFiles.Pdf()), long.MaxValue);
        await files.AbandonAWriteAsync();
        var sweeper = new DocumentStoreSweeper(database.Factory, store, clock, NullLogger<DocumentStoreSweeper>.Instance);

        // Files are fresh (an upload may be between its file and its row): nothing is touched yet.
        clock.SetUtcNow(DateTimeOffset.UtcNow);
        Assert.Equal((0, 0), await sweeper.SweepAsync());

        clock.SetUtcNow(DateTimeOffset.UtcNow + DocumentStoreSweeper.Grace + TimeSpan.FromMinutes(1));
        Assert.Equal((1, 1), await sweeper.SweepAsync());

        Assert.Equal(0, await files.UnfinishedWritesAsync());
        Assert.False(await store.ExistsAsync(orphan.StorageKey));
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.True(await store.ExistsAsync(await db.Documents.Where(d => d.Id == kept.Id).Select(d => d.StorageKey).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_upload_belongs_to_its_years_engagement_and_uploading_into_the_last_item_advances_it_with_the_clients_email(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var (service, _, _) = Create(database, StoreKind.Local);
        using var engagements = new EngagementServices(database, clock);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test", "Casey", "Client");
        var mallory = await TestUsers.CreateAsync(database, "mallory@example.test");
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);

        // A first upload for 2024 opens the client's 2024 engagement (Not started).
        await UploadAsync(service, casey, "old.pdf", SampleFiles.Pdf(), 2024);
        Assert.Equal(EngagementStage.NotStarted, (await engagements.Engagements.FindForClientAsync(casey, 2024))!.Stage);

        var engagement = await engagements.Engagements.EnsureAsync(casey, 2025);
        Assert.True((await engagements.Requests.RequestAsync(pat, engagement.Id, [new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp")])).Succeeded);
        var item = (await engagements.Requests.ListForClientAsync(casey, 2025)).Single();

        // Someone else's item, or the wrong year: refused, and nothing is left behind.
        var foreign = await service.UploadAsync(mallory, new UploadRequest("w2.pdf", DocumentType.W2, 2025, RequestItemId: item.Id), new MemoryStream(SampleFiles.Pdf()));
        Assert.Equal(UploadFailure.NotFound, foreign.Failure);
        var wrongYear = await service.UploadAsync(casey, new UploadRequest("w2.pdf", DocumentType.W2, 2024, RequestItemId: item.Id), new MemoryStream(SampleFiles.Pdf()));
        Assert.Equal(UploadFailure.Invalid, wrongYear.Failure);
        Assert.Empty(await service.ListAsync(mallory));

        var into = await service.UploadAsync(casey, new UploadRequest("w2.pdf", DocumentType.W2, 2025, RequestItemId: item.Id), new MemoryStream(SampleFiles.Pdf()));
        Assert.True(into.Succeeded, into.Error);
        var fulfilled = (await engagements.Requests.ListForClientAsync(casey, 2025)).Single();
        Assert.Equal(RequestItemStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(into.Document!.Id, fulfilled.DocumentId);
        Assert.Equal(EngagementStage.DocumentsReceived, (await engagements.Engagements.FindForClientAsync(casey, 2025))!.Stage);

        await using var db = await database.Factory.CreateDbContextAsync();
        var received = await db.QueuedEmails.AsNoTracking().SingleAsync(e => e.Template == "return-stage" && e.To == "casey@example.test");
        Assert.Equal("We have everything we need for your 2025 return", received.Subject);
    }

    private (ClientDocumentService Service, EncryptedFileStore Store, TestStore Files) Create(TestDatabase database, StoreKind kind)
    {
        var files = TestStore.Create(kind);
        stores.Add(files);
        var store = files.Store;
        var options = Options.Create(new DocumentStoreOptions { MaxFileBytes = 1024 * 1024 });
        var engagement = new EngagementServices(database, clock);
        // Recognition off: these tests are about the upload itself (RecognitionJobTests read what uploads store).
        var recognition = new RecognitionSignal(new Hangfire.BackgroundJobClient(new Hangfire.InMemory.InMemoryStorage()));
        return (new ClientDocumentService(database.Factory, store, options, engagement.Audit, engagement.StageEmails, recognition,
            Options.Create(new RecognitionOptions { Enabled = false }), new RequestFulfilment(database.Factory,
                new RecognitionFields(new SecretProtector(Options.Create(new DataProtectionKeyOptions { Keys = { ["k1"] = MasterKeys.NewKey() }, ActiveKeyId = "k1" }))),
                engagement.Audit, engagement.StageEmails, clock), Live(), clock, NullLogger<ClientDocumentService>.Instance), store, files);
    }

    /// <summary>SignalR's own hub context with nobody connected: what the service sends live reaches no one here.</summary>
    private static LiveChannel Live()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSignalR();
        var activity = new LiveActivity(new Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache(Options.Create(new Microsoft.Extensions.Caching.Memory.MemoryDistributedCacheOptions())),
            TimeProvider.System, NullLogger<LiveActivity>.Instance);
        return new LiveChannel(services.BuildServiceProvider().GetRequiredService<IHubContext<LiveHub>>(), activity, NullLogger<LiveChannel>.Instance);
    }

    private static async Task<DocumentView> UploadAsync(ClientDocumentService service, Guid userId, string name, byte[] content, int taxYear = 2025)
    {
        var result = await service.UploadAsync(userId, new UploadRequest(name, DocumentType.W2, taxYear), new MemoryStream(content), content.Length);
        Assert.True(result.Succeeded, result.Error);
        return result.Document!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 disposes a test class through IAsyncLifetime or IDisposable only, never IAsyncDisposable: each test's store folder
    // (encrypted documents) was left in the temporary folder.
    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
