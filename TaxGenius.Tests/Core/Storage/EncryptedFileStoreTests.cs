using System.Security.Cryptography;
using System.Text;
using TaxGenius.Core;
using TaxGenius.Core.Security;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Storage;

/// <summary>The store on a local folder.</summary>
public sealed class EncryptedFileStoreOnLocalFolderTests() : EncryptedFileStoreTests(StoreKind.Local);

/// <summary>The store on the test S3 server's bucket (Ceph RADOS Gateway), and what only a remote store can do: not answer.</summary>
public sealed class EncryptedFileStoreOnS3Tests() : EncryptedFileStoreTests(StoreKind.S3)
{
    [Fact]
    public async Task An_unreachable_bucket_fails_with_a_clear_error_and_says_nothing_of_the_file()
    {
        var closedPort = ServerProcess.FreePort();
        using var blobs = new S3BlobStore(new S3StoreOptions
        {
            ServiceUrl = $"http://127.0.0.1:{closedPort}", Bucket = "nowhere", AccessKey = "k", SecretKey = "s", MaxErrorRetry = 0, TimeoutSeconds = 5,
        });
        var store = new EncryptedFileStore(blobs, new StorageKeyRing(new Dictionary<string, string> { ["k1"] = Key1 }, "k1"));

        var write = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync(new MemoryStream(new byte[1000]), long.MaxValue));
        var read = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.OpenReadAsync(EncryptedFileStore.NewStorageKey()));

        Assert.Contains("did not answer", write.Message, StringComparison.Ordinal);
        Assert.Contains("S3 bucket nowhere", read.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretKey", write.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Documents at rest, on either backend: encrypted in chunks, integrity-checked, never half-written, re-wrapped under a new key.</summary>
public abstract class EncryptedFileStoreTests(StoreKind kind) : IAsyncLifetime
{
    protected static readonly string Key1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string Key2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TestStore files = TestStore.Create(kind);
    private readonly string root = Path.Combine(Path.GetTempPath(), $"tg_store_{Guid.NewGuid():N}");

    private EncryptedFileStore Store(string active = "k1") =>
        new(files.Blobs, new StorageKeyRing(new Dictionary<string, string> { ["k1"] = Key1, ["k2"] = Key2 }, active));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(EncryptedFileStore.ChunkSize - 1)]
    [InlineData(EncryptedFileStore.ChunkSize)]
    [InlineData(EncryptedFileStore.ChunkSize + 1)]
    [InlineData(3 * EncryptedFileStore.ChunkSize)]
    [InlineData(3 * EncryptedFileStore.ChunkSize + 12_345)]
    // Over two multipart parts of the test bucket (5 MiB), the last one short.
    [InlineData(11 * 1024 * 1024 + 3)]
    public async Task A_file_reads_back_exactly_and_its_SHA_256_is_recorded(int size)
    {
        var store = Store();
        var plain = RandomNumberGenerator.GetBytes(size);

        var stored = await store.WriteAsync(new MemoryStream(plain), long.MaxValue);

        Assert.Equal(size, stored.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(plain)), stored.Sha256);
        Assert.Equal(plain, await ReadAllAsync(store, stored.StorageKey));
        Assert.Equal(plain, await ReadAllSyncAsync(store, stored.StorageKey));
        Assert.Equal([stored.StorageKey], await files.KeysAsync());
        Assert.Equal(0, await files.UnfinishedWritesAsync());
    }

    [Fact]
    public async Task The_bytes_on_disk_are_not_the_plaintext_and_the_name_is_a_random_key()
    {
        var store = Store();
        var plain = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("SSN 123-45-6789 W-2 wages 84,000. ", 5000)));

        var stored = await store.WriteAsync(new MemoryStream(plain), long.MaxValue);

        var (name, onDisk) = Assert.Single(await files.EverythingAsync());
        Assert.True(onDisk.AsSpan().IndexOf("123-45-6789"u8) < 0);
        Assert.True(onDisk.AsSpan().IndexOf("wages"u8) < 0);
        Assert.True(EncryptedFileStore.IsStorageKey(stored.StorageKey));
        Assert.Contains(stored.StorageKey, name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_flipped_byte_anywhere_in_the_file_is_detected()
    {
        var store = Store();
        // Two chunks, the second short: covers header, wrapped key, both chunk headers, tags and ciphertexts.
        var plain = RandomNumberGenerator.GetBytes(EncryptedFileStore.ChunkSize + 100);
        var stored = await store.WriteAsync(new MemoryStream(plain), long.MaxValue);
        var original = await files.RawAsync(stored.StorageKey);

        var positions = Enumerable.Range(0, 200).Concat(Enumerable.Range(original.Length - 200, 200))
            .Concat(Enumerable.Range(0, 64).Select(i => 200 + i * 1000)).Where(p => p < original.Length).Distinct().ToList();
        foreach (var position in positions)
        {
            var tampered = (byte[])original.Clone();
            tampered[position] ^= 0x01;
            await files.OverwriteRawAsync(stored.StorageKey, tampered);
            await Assert.ThrowsAnyAsync<Exception>(() => ReadAllAsync(store, stored.StorageKey));
        }

        await files.OverwriteRawAsync(stored.StorageKey, original);
        Assert.Equal(plain, await ReadAllAsync(store, stored.StorageKey));
    }

    [Fact]
    public async Task A_truncated_or_extended_file_is_detected()
    {
        var store = Store();
        var plain = RandomNumberGenerator.GetBytes(3 * EncryptedFileStore.ChunkSize);
        var stored = await store.WriteAsync(new MemoryStream(plain), long.MaxValue);
        var original = await files.RawAsync(stored.StorageKey);
        var chunkOnDisk = 4 + 16 + EncryptedFileStore.ChunkSize;

        // Cut exactly after a whole chunk (the cleanest truncation), in the middle of one, and with bytes added at the end.
        foreach (var variant in new[] { original[..^chunkOnDisk], original[..^100], [.. original, 0x00] })
        {
            await files.OverwriteRawAsync(stored.StorageKey, variant);
            await Assert.ThrowsAsync<StoredFileCorruptException>(() => ReadAllAsync(store, stored.StorageKey));
        }
    }

    [Fact]
    public async Task A_file_moved_under_another_documents_key_does_not_open()
    {
        var store = Store();
        var a = await store.WriteAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), long.MaxValue);
        var b = await store.WriteAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), long.MaxValue);

        await files.OverwriteRawAsync(b.StorageKey, await files.RawAsync(a.StorageKey));

        await Assert.ThrowsAsync<StoredFileCorruptException>(() => ReadAllAsync(store, b.StorageKey));
    }

    [Fact]
    public async Task Files_under_an_older_master_key_still_open_after_the_active_key_changes()
    {
        var plain = RandomNumberGenerator.GetBytes(5000);
        var old = await Store("k1").WriteAsync(new MemoryStream(plain), long.MaxValue);

        var rotated = Store("k2");
        var fresh = await rotated.WriteAsync(new MemoryStream(plain), long.MaxValue);

        Assert.Equal(plain, await ReadAllAsync(rotated, old.StorageKey));
        Assert.Equal(plain, await ReadAllAsync(rotated, fresh.StorageKey));

        // Without the old key the file is unreadable, and the error names the key id only.
        var withoutOld = new EncryptedFileStore(files.Blobs, new StorageKeyRing(new Dictionary<string, string> { ["k2"] = Key2 }, "k2"));
        var error = await Assert.ThrowsAsync<StoredFileCorruptException>(() => ReadAllAsync(withoutOld, old.StorageKey));
        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_re_wraps_files_under_the_new_key_without_touching_their_content()
    {
        var plain = RandomNumberGenerator.GetBytes(2 * EncryptedFileStore.ChunkSize + 99);
        var old = await Store("k1").WriteAsync(new MemoryStream(plain), long.MaxValue);
        var rotated = Store("k2");
        var fresh = await rotated.WriteAsync(new MemoryStream(plain), long.MaxValue);
        var chunksBefore = (await files.RawAsync(old.StorageKey))[^1000..];

        Assert.Equal(new RewrapResult(1, 1, 0), await rotated.RewrapAllAsync());
        Assert.Equal(new RewrapResult(0, 2, 0), await rotated.RewrapAllAsync());

        // Only the header changed (the chunks are copied as they are), and the old key is no longer needed.
        Assert.Equal(chunksBefore, (await files.RawAsync(old.StorageKey))[^1000..]);
        var withoutOld = new EncryptedFileStore(files.Blobs, new StorageKeyRing(new Dictionary<string, string> { ["k2"] = Key2 }, "k2"));
        Assert.Equal(plain, await ReadAllAsync(withoutOld, old.StorageKey));
        Assert.Equal(plain, await ReadAllAsync(withoutOld, fresh.StorageKey));
        Assert.Equal(0, await files.UnfinishedWritesAsync());

        // A file under a key that is not configured any more is counted as failed, never lost.
        var damaged = await Store("k1").WriteAsync(new MemoryStream(plain), long.MaxValue);
        Assert.Equal(new RewrapResult(0, 2, 1), await withoutOld.RewrapAllAsync());
        Assert.Equal(plain, await ReadAllAsync(Store("k1"), damaged.StorageKey));
    }

    [Fact]
    public async Task Listing_deleting_and_missing_files()
    {
        var store = Store();
        var a = await store.WriteAsync(new MemoryStream(new byte[10]), long.MaxValue);
        var b = await store.WriteAsync(new MemoryStream(new byte[10]), long.MaxValue);

        Assert.Equal(new HashSet<string> { a.StorageKey, b.StorageKey }, await files.KeysAsync());
        await store.DeleteAsync(a.StorageKey);
        await store.DeleteAsync(a.StorageKey);

        Assert.False(await store.ExistsAsync(a.StorageKey));
        Assert.True(await store.ExistsAsync(b.StorageKey));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync(a.StorageKey));
        Assert.Equal([b.StorageKey], await files.KeysAsync());
    }

    [Fact]
    public async Task Over_the_limit_nothing_is_left_behind()
    {
        var store = Store();
        await Assert.ThrowsAsync<StoredFileTooLargeException>(() =>
            store.WriteAsync(new MemoryStream(new byte[EncryptedFileStore.ChunkSize * 2 + 1]), EncryptedFileStore.ChunkSize * 2));
        await AssertEmptyAsync();
    }

    [Theory]
    [InlineData(3 * EncryptedFileStore.ChunkSize + 7)]
    // After the first 5 MiB part of a multipart upload was sent: the upload is aborted.
    [InlineData(7 * 1024 * 1024)]
    public async Task A_connection_that_dies_mid_upload_leaves_nothing_behind(int failAfter)
    {
        var store = Store();
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(new FailingStream(failAfter), long.MaxValue));
        await AssertEmptyAsync();
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_behind()
    {
        var store = Store();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.WriteAsync(new MemoryStream(new byte[1000]), long.MaxValue, cancellationToken: cancellation.Token));
        await AssertEmptyAsync();
    }

    [Fact]
    public async Task An_inspector_that_refuses_the_file_at_the_end_leaves_nothing_behind()
    {
        var store = Store();
        await Assert.ThrowsAsync<InvalidDataException>(() => store.WriteAsync(new MemoryStream(new byte[200_000]), long.MaxValue, new RefuseAtEnd()));
        await AssertEmptyAsync();
    }

    [Fact]
    public void Keys_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new StorageKeyRing(new Dictionary<string, string> { ["k1"] = Convert.ToBase64String(new byte[16]) }, "k1"));
        Assert.Throws<ArgumentException>(() => new StorageKeyRing(new Dictionary<string, string> { ["k1"] = Key1 }, "k9"));
        Assert.NotEmpty(new DocumentStoreOptions().Validate());
        Assert.NotEmpty(new DocumentStoreOptions { MasterKeys = { ["k1"] = "not base64!" }, ActiveKeyId = "k1" }.Validate());
        Assert.Empty(new DocumentStoreOptions { MasterKeys = { ["k1"] = Key1 }, ActiveKeyId = "k1" }.Validate());
    }

    [Fact]
    public void The_development_key_is_created_once_with_owner_only_permissions_and_reused()
    {
        var file = new TaxGeniusPaths(root).DevelopmentKeyFile("storage");
        var key = MasterKeys.LoadOrCreateDevelopmentKey(file, out var created);
        var again = MasterKeys.LoadOrCreateDevelopmentKey(file, out var createdAgain);

        Assert.Equal(key, again);
        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.Equal(Path.Combine(root, "keys", "storage-dev.key"), file);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private async Task AssertEmptyAsync()
    {
        Assert.Empty(await files.KeysAsync());
        Assert.Equal(0, await files.UnfinishedWritesAsync());
    }

    private static async Task<byte[]> ReadAllAsync(EncryptedFileStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 10_000);
        return copy.ToArray();
    }

    /// <summary>Reads with the synchronous Read (a caller that is not async).</summary>
    private static async Task<byte[]> ReadAllSyncAsync(EncryptedFileStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 7_000);
        return copy.ToArray();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await files.DisposeAsync();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed class RefuseAtEnd : IStoreInspector
    {
        public void Inspect(ReadOnlySpan<byte> chunk, long offset, bool isLast)
        {
        }

        public void Complete(long totalBytes) => throw new InvalidDataException("refused");
    }

    /// <summary>A request body whose connection drops after <paramref name="failAfter"/> bytes.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= failAfter)
            {
                throw new IOException("The client disconnected.");
            }

            var n = Math.Min(count, failAfter - position + 1);
            position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
