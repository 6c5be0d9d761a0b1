using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TaxGenius.Core.Storage;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>Where a test's encrypted files go: a private local folder, or a private prefix of the test S3 server's bucket.</summary>
public enum StoreKind
{
    Local,
    S3,
}

/// <summary>
/// One test's document store on either backend, with what tests look at behind the store's back: the raw bytes of a stored
/// file (never plaintext), every key stored, writes left unfinished. A bucket is shared by all tests, so each store has its own
/// random prefix and removes what is under it when disposed.
/// </summary>
public sealed class TestStore : IAsyncDisposable, IDisposable
{
    private readonly string? root;
    private readonly AmazonS3Client? s3;
    private readonly string bucket = "";
    private readonly string prefix = "";

    private TestStore(StoreKind kind, string? keyId = null, string? masterKey = null)
    {
        Kind = kind;
        KeyId = keyId ?? "t";
        MasterKey = masterKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        if (kind == StoreKind.Local)
        {
            root = Path.Combine(Path.GetTempPath(), "taxgenius-store-" + Guid.NewGuid().ToString("N"));
            Blobs = new LocalBlobStore(root);
        }
        else
        {
            var s3Settings = TestEnvironment.S3;
            bucket = s3Settings["Bucket"];
            prefix = $"t{Guid.NewGuid():N}/";
            Options = new S3StoreOptions
            {
                ServiceUrl = s3Settings["Endpoint"],
                Bucket = bucket,
                AccessKey = s3Settings["AccessKey"],
                SecretKey = s3Settings["SecretKey"],
                Prefix = prefix,
                PartSizeBytes = S3StoreOptions.MinPartSizeBytes,
            };
            Blobs = new S3BlobStore(Options);
            s3 = new AmazonS3Client(new BasicAWSCredentials(Options.AccessKey, Options.SecretKey), new AmazonS3Config
            {
                ServiceURL = Options.ServiceUrl,
                ForcePathStyle = true,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
        }

        Store = new EncryptedFileStore(Blobs, KeyRing);
    }

    public static TestStore Create(StoreKind kind) => new(kind);

    /// <summary>An empty store (its own folder or prefix) under the same master key as <paramref name="other"/>: where a backup is restored.</summary>
    public static TestStore CreateWithKeysOf(StoreKind kind, TestStore other) => new(kind, other.KeyId, other.MasterKey);

    public StoreKind Kind { get; }

    public string KeyId { get; }

    public string MasterKey { get; }

    public StorageKeyRing KeyRing => new(new Dictionary<string, string> { [KeyId] = MasterKey }, KeyId);

    /// <summary>The bucket settings, when on S3.</summary>
    public S3StoreOptions? Options { get; }

    public IBlobStore Blobs { get; }

    public EncryptedFileStore Store { get; }

    /// <summary>The app settings that put an app's documents in this store (same backend, folder or bucket prefix, master key).</summary>
    public Dictionary<string, string?> AppSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:MasterKeys:" + KeyId] = MasterKey,
            ["Storage:ActiveKeyId"] = KeyId,
        };
        if (Kind == StoreKind.Local)
        {
            settings["Storage:Backend"] = "Local";
            settings["Storage:Path"] = root;
        }
        else
        {
            settings["Storage:Backend"] = "S3";
            settings["Storage:S3:ServiceUrl"] = Options!.ServiceUrl;
            settings["Storage:S3:Bucket"] = Options.Bucket;
            settings["Storage:S3:AccessKey"] = Options.AccessKey;
            settings["Storage:S3:SecretKey"] = Options.SecretKey;
            settings["Storage:S3:Prefix"] = Options.Prefix;
            settings["Storage:S3:PartSizeBytes"] = Options.PartSizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>Storage keys of every stored file.</summary>
    public async Task<HashSet<string>> KeysAsync()
    {
        var keys = new HashSet<string>();
        await foreach (var blob in Blobs.ListAsync(CancellationToken.None))
        {
            keys.Add(blob.StorageKey);
        }

        return keys;
    }

    /// <summary>The stored (encrypted) bytes, as the folder or the bucket holds them.</summary>
    public async Task<byte[]> RawAsync(string storageKey)
    {
        await using var stream = await Blobs.OpenReadAsync(storageKey, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Replaces the stored bytes behind the store's back (tampering, damage).</summary>
    public async Task OverwriteRawAsync(string storageKey, byte[] bytes)
    {
        await using var writer = await Blobs.CreateAsync(storageKey, CancellationToken.None);
        await writer.WriteAsync(bytes, CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
    }

    /// <summary>Writes started and never finished: temporaries in the folder, incomplete multipart uploads in the bucket.</summary>
    public async Task<int> UnfinishedWritesAsync()
    {
        if (Blobs is LocalBlobStore local)
        {
            return local.Temporaries().Count();
        }

        var uploads = await s3!.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix });
        return uploads.MultipartUploads?.Count ?? 0;
    }

    /// <summary>Starts a write and abandons it, as a process killed mid-upload does; returns where it is (a path or an object key).</summary>
    public async Task<string> AbandonAWriteAsync()
    {
        var key = EncryptedFileStore.NewStorageKey();
        if (Blobs is LocalBlobStore local)
        {
            var path = Path.Combine(local.TempFolder, key + ".part");
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
            return path;
        }

        var upload = await s3!.InitiateMultipartUploadAsync(bucket, prefix + key);
        await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = prefix + key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]),
        });
        return prefix + key;
    }

    /// <summary>Every object name and every stored byte under this store, to search for what must never be there.</summary>
    public async Task<List<(string Name, byte[] Bytes)>> EverythingAsync()
    {
        var all = new List<(string, byte[])>();
        if (root is not null)
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                all.Add((Path.GetRelativePath(root, file), await File.ReadAllBytesAsync(file)));
            }

            return all;
        }

        var listed = await s3!.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        foreach (var item in listed.S3Objects ?? [])
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            all.Add((item.Key, copy.ToArray()));
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        if (root is not null)
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            return;
        }

        try
        {
            var uploads = await s3!.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix });
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await s3.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
            }

            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
            foreach (var item in listed.S3Objects ?? [])
            {
                await s3.DeleteObjectAsync(bucket, item.Key);
            }
        }
        catch (AmazonServiceException)
        {
            // The server may be stopped by a fault test; the whole bucket goes with it at the end of the run.
        }
        catch (HttpRequestException)
        {
        }
        finally
        {
            s3?.Dispose();
            (Blobs as IDisposable)?.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
