using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace TaxGenius.Core.Storage;

/// <summary>
/// Blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2, Backblaze B2), under
/// <c>{Prefix}{storage key}</c>: the bucket sees random names and ciphertext, never a file name or an owner. A write fills a part
/// buffer and sends it while the next one fills (two buffers of <see cref="S3StoreOptions.PartSizeBytes"/>, whatever the file's
/// size); a file of one part is a single PUT, a larger one a multipart upload that becomes visible only when completed and is
/// aborted on any failure. Transport failures surface as <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly IAmazonS3 client;
    private readonly string bucket;
    private readonly string prefix;
    private readonly int partSize;
    private readonly CancellationTokenSource disposing = new();

    // Part buffers kept between uploads (two per upload in flight, four kept at most): a steady stream of uploads allocates none.
    private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spareParts = [];

    public S3BlobStore(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Send a checksum only where S3 demands one: trailing checksums (the SDK's default since 2025) are not understood by
            // every S3-compatible server (Ceph RGW before Squid, older MinIO). The file format authenticates every chunk anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            MaxErrorRetry = options.MaxErrorRetry,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        // Without an access key, the SDK's own chain (environment, profile, instance or task role).
        client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        bucket = options.Bucket;
        prefix = options.Prefix ?? "";
        partSize = options.PartSizeBytes;
        Description = $"S3 bucket {bucket}" + (string.IsNullOrWhiteSpace(options.ServiceUrl) ? $" in {options.Region}" : $" at {new Uri(options.ServiceUrl).Authority}");
    }

    public string Description { get; }

    public bool IsShared => true;

    public Task<IBlobWriter> CreateAsync(string storageKey, CancellationToken cancellationToken) =>
        Task.FromResult<IBlobWriter>(new Writer(this, ObjectKey(storageKey)));

    public async Task<Stream> OpenReadAsync(string storageKey, CancellationToken cancellationToken)
    {
        var response = await Call(() => client.GetObjectAsync(bucket, ObjectKey(storageKey), cancellationToken), notFound: true);
        return new ResponseStream(response);
    }

    public async Task<bool> ExistsAsync(string storageKey, CancellationToken cancellationToken)
    {
        try
        {
            await Call(() => client.GetObjectMetadataAsync(bucket, ObjectKey(storageKey), cancellationToken), notFound: true);
            return true;
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken) =>
        Call(() => client.DeleteObjectAsync(bucket, ObjectKey(storageKey), cancellationToken));

    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1000 };
        while (true)
        {
            var page = await Call(() => client.ListObjectsV2Async(request, cancellationToken));
            foreach (var item in page.S3Objects ?? [])
            {
                var key = item.Key[prefix.Length..];
                if (EncryptedFileStore.IsStorageKey(key))
                {
                    yield return new BlobInfo(key, item.LastModified?.ToUniversalTime() ?? DateTime.UtcNow);
                }
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<int> RemoveAbandonedWritesAsync(DateTime startedBeforeUtc, CancellationToken cancellationToken)
    {
        var removed = 0;
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await Call(() => client.ListMultipartUploadsAsync(request, cancellationToken));
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } started && started.ToUniversalTime() < startedBeforeUtc)
                {
                    try
                    {
                        await Call(() => client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, cancellationToken), notFound: true);
                    }
                    catch (BlobNotFoundException)
                    {
                        // Completed or aborted since it was listed.
                    }

                    removed++;
                }
            }

            if (page.IsTruncated != true)
            {
                return removed;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    public void Dispose()
    {
        disposing.Cancel();
        client.Dispose();
        disposing.Dispose();
    }

    /// <summary>Pauses between background attempts to abort an upload: about six minutes in all.</summary>
    private static readonly TimeSpan[] AbortRetryDelays = [.. new[] { 1, 2, 4, 8, 15, 30, 60, 120, 120 }.Select(s => TimeSpan.FromSeconds(s))];

    private async Task<bool> TryAbortAsync(string key, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, CancellationToken.None);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return true; // already gone
        }
        catch (Exception e) when (IsTransportFailure(e) || e is TaskCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void AbortLater(string key, string uploadId) => _ = Task.Run(async () =>
    {
        foreach (var delay in AbortRetryDelays)
        {
            try
            {
                await Task.Delay(delay, disposing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (await TryAbortAsync(key, uploadId))
            {
                return;
            }
        }
    });

    private byte[] RentPart() => spareParts.TryTake(out var buffer) ? buffer : new byte[partSize];

    private void ReturnPart(byte[] buffer)
    {
        if (spareParts.Count < 4)
        {
            spareParts.Add(buffer);
        }
    }

    /// <summary>The object key of a storage key: the optional prefix (several firms or environments in one bucket) and the key.</summary>
    public string ObjectKey(string storageKey) => EncryptedFileStore.IsStorageKey(storageKey)
        ? prefix + storageKey
        : throw new ArgumentException("Not a storage key.", nameof(storageKey));

    /// <summary>Runs one S3 call, turning "no such key" into <see cref="BlobNotFoundException"/> and transport failures into <see cref="StorageUnavailableException"/>.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call, bool notFound = false)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception e) when (notFound && e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new BlobNotFoundException();
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The service, the network or the SDK failed (a refused or reset connection surfaces as a bare SocketException).</summary>
    private static bool IsTransportFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException
            or TimeoutException or TaskCanceledException { CancellationToken.IsCancellationRequested: false };

    private Task Call(Func<Task> call, bool notFound = false) => Call(async () =>
    {
        await call();
        return true;
    }, notFound);

    private StorageUnavailableException Unavailable(Exception e)
    {
        var status = e is AmazonServiceException { StatusCode: var code and not 0 } ? $" ({(int)code})" : "";
        return new StorageUnavailableException($"The document store ({Description}) did not answer{status}.", e);
    }

    /// <summary>The object's body; disposing it releases the HTTP response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream body = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return body.Read(buffer);
            }
            catch (Exception e) when (IsBrokenBody(e))
            {
                throw Stopped(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await body.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (IsBrokenBody(e))
            {
                throw Stopped(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>The connection broke while the body was being read (the same failures whether read sync or async).</summary>
        private static bool IsBrokenBody(Exception e) => e is IOException or HttpRequestException or System.Net.Sockets.SocketException;

        private static StorageUnavailableException Stopped(Exception e) => new("The document store stopped sending the file.", e);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Two pooled part buffers: one fills while the other is sent. Nothing is visible until <see cref="CommitAsync"/>; an
    /// uncommitted multipart upload is aborted on dispose.
    /// </summary>
    private sealed class Writer(S3BlobStore store, string key) : IBlobWriter
    {
        private readonly byte[][] buffers = [store.RentPart(), store.RentPart()];
        private readonly List<PartETag> parts = [];
        private int current;
        private int filled;
        private int nextPart = 1;
        private string? uploadId;
        private Task? sending;
        private bool committed;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (!data.IsEmpty)
            {
                var count = Math.Min(data.Length, store.partSize - filled);
                data[..count].CopyTo(buffers[current].AsMemory(filled));
                filled += count;
                data = data[count..];
                if (filled == store.partSize)
                {
                    await SendPartAsync(cancellationToken);
                }
            }
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (uploadId is null)
            {
                // Everything fits in one part: one PUT, visible at once.
                var bytes = buffers[current];
                var length = filled;
                await store.Call(() => store.client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = store.bucket,
                    Key = key,
                    InputStream = new MemoryStream(bytes, 0, length, writable: false),
                    AutoCloseStream = false,
                    ContentType = "application/octet-stream",
                    // The part is in memory: sign its SHA-256 in one pass rather than re-framing it in signed chunks (fewer copies).
                    UseChunkEncoding = false,
                }, cancellationToken));
            }
            else
            {
                if (filled > 0)
                {
                    await SendPartAsync(cancellationToken);
                }

                if (sending is not null)
                {
                    await sending;
                    sending = null;
                }

                await store.Call(() => store.client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store.bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartETags = [.. parts.OrderBy(p => p.PartNumber)],
                }, cancellationToken));
            }

            committed = true;
        }

        private async Task SendPartAsync(CancellationToken cancellationToken)
        {
            uploadId ??= (await store.Call(() => store.client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = store.bucket,
                Key = key,
                ContentType = "application/octet-stream",
            }, cancellationToken))).UploadId;

            if (sending is not null)
            {
                await sending;
            }

            var bytes = buffers[current];
            var length = filled;
            var id = uploadId;
            var number = nextPart++;
            sending = store.Call(async () =>
            {
                var response = await store.client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = store.bucket,
                    Key = key,
                    UploadId = id,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = new MemoryStream(bytes, 0, length, writable: false),
                    UseChunkEncoding = false,
                }, cancellationToken);
                lock (parts)
                {
                    parts.Add(new PartETag(number, response.ETag));
                }
            });
            current = 1 - current;
            filled = 0;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (sending is not null)
                {
                    try
                    {
                        await sending;
                    }
                    catch (Exception) when (!committed)
                    {
                        // The failure that stopped the write is the one that propagates.
                    }
                }

                if (!committed && uploadId is not null && !await store.TryAbortAsync(key, uploadId))
                {
                    // The store is unreachable (often the very reason the write failed): keep trying in the background for a few
                    // minutes, so a short outage leaves no parts behind; the sweeper aborts anything older than its grace period.
                    store.AbortLater(key, uploadId);
                }
            }
            finally
            {
                store.ReturnPart(buffers[0]);
                store.ReturnPart(buffers[1]);
            }
        }
    }
}
