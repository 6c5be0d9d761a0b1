using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TaxGenius.Core.Storage;

/// <summary>What a key rotation did: files re-wrapped, files already under the active key, files that could not be opened.</summary>
public sealed record RewrapResult(int Rewrapped, int Current, int Failed);

/// <summary>What the store knows about a file it has just written.</summary>
public sealed record StoredFile(string StorageKey, long Size, string Sha256);

/// <summary>
/// Documents at rest: each file is encrypted with its own random 256-bit data key in AES-256-GCM chunks; the data key is
/// wrapped (AES-256-GCM) by a master key from configuration. The encrypted bytes go to an <see cref="IBlobStore"/> (a local
/// folder or an S3 bucket) under a random storage key: whatever holds them sees ciphertext only.
/// <para>Layout of a file: "TGF1", key-id length (1 byte), key id (ASCII), wrapped data key (nonce 12, tag 16, ciphertext 32),
/// then chunks of [plaintext length (4, big-endian)][tag 16][ciphertext]. Chunk nonces are the chunk's counter (safe: the key
/// is used for this file only); each chunk's associated data holds its index and whether it is the last one, so reordered,
/// dropped or truncated chunks fail to open. The wrapped key's associated data names the storage key, so a file moved to
/// another document's key does not open either.</para>
/// <para>A write becomes visible under its storage key only when complete (a rename, a completed upload): a crash mid-write
/// leaves nothing visible, and the sweeper removes what it left.</para>
/// </summary>
public sealed class EncryptedFileStore(IBlobStore blobs, StorageKeyRing keys)
{
    /// <summary>
    /// Plaintext bytes per chunk written (the last one may be shorter). Each chunk records its length, so files written with
    /// smaller chunks (64 KiB before) still open.
    /// </summary>
    public const int ChunkSize = 256 * 1024;
    private const int ChunkOverhead = StoredFileFormat.ChunkOverhead;
    private const int TagSize = StoredFileFormat.TagSize;
    private const int NonceSize = StoredFileFormat.NonceSize;

    /// <summary>What holds the encrypted bytes.</summary>
    public IBlobStore Blobs => blobs;

    /// <summary>
    /// Encrypts <paramref name="source"/> into a new file. <paramref name="inspector"/> sees each plaintext chunk before it is
    /// written (file-type checks) and once more after the last chunk, before the file becomes visible; it throws to refuse the
    /// file. On any failure, cancellation and an unreachable store included, nothing is left behind.
    /// </summary>
    public async Task<StoredFile> WriteAsync(Stream source, long maxBytes, IStoreInspector? inspector = null,
        CancellationToken cancellationToken = default)
    {
        var storageKey = NewStorageKey();
        var (keyId, masterKey) = keys.Active;

        var dataKey = RandomNumberGenerator.GetBytes(32);
        var buffers = new[] { new byte[ChunkSize], new byte[ChunkSize] };
        // Two sealed-chunk buffers ([length][tag][ciphertext], one write each): one is written out while the next fills.
        var sealedChunks = new[] { new byte[ChunkOverhead + ChunkSize], new byte[ChunkOverhead + ChunkSize] };
        Task? pendingWrite = null;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            await using var output = await blobs.CreateAsync(storageKey, cancellationToken);
            try
            {
                await output.WriteAsync(StoredFileFormat.Header(keyId, masterKey, dataKey, storageKey), cancellationToken);
                using var aes = new AesGcm(dataKey, TagSize);
                var nonce = new byte[NonceSize];
                var aad = new byte[9];

                // Read one chunk ahead so the last chunk is known to be last when it is sealed.
                var current = 0;
                var slot = 0;
                var length = await FillAsync(source, buffers[current], cancellationToken);
                long index = 0;
                while (true)
                {
                    var next = 1 - current;
                    var nextLength = length == ChunkSize ? await FillAsync(source, buffers[next], cancellationToken) : 0;
                    var isLast = nextLength == 0;

                    total += length;
                    if (total > maxBytes)
                    {
                        throw new StoredFileTooLargeException(maxBytes);
                    }

                    var plain = buffers[current].AsMemory(0, length);
                    inspector?.Inspect(plain.Span, total - length, isLast);

                    // Hash and encrypt the same plaintext at once, on two cores when there are two.
                    var hashing = length >= 64 * 1024 ? Task.Run(() => hash.AppendData(plain.Span), CancellationToken.None) : null;
                    if (hashing is null)
                    {
                        hash.AppendData(plain.Span);
                    }

                    BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
                    BinaryPrimitives.WriteInt64BigEndian(aad, index);
                    aad[8] = isLast ? (byte)1 : (byte)0;
                    var sealedChunk = sealedChunks[slot];
                    BinaryPrimitives.WriteInt32BigEndian(sealedChunk, length);
                    aes.Encrypt(nonce, plain.Span, sealedChunk.AsSpan(ChunkOverhead, length), sealedChunk.AsSpan(4, TagSize), aad);
                    if (hashing is not null)
                    {
                        await hashing;
                    }

                    if (pendingWrite is not null)
                    {
                        await pendingWrite;
                    }

                    pendingWrite = output.WriteAsync(sealedChunk.AsMemory(0, ChunkOverhead + length), cancellationToken).AsTask();
                    slot = 1 - slot;

                    if (isLast)
                    {
                        break;
                    }

                    index++;
                    current = next;
                    length = nextLength;
                }

                await pendingWrite!;
                pendingWrite = null;
                inspector?.Complete(total);
                await output.CommitAsync(cancellationToken);
            }
            finally
            {
                // Never leave a write running against a writer that is about to be disposed (and its write abandoned).
                if (pendingWrite is not null)
                {
                    try
                    {
                        await pendingWrite;
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or StorageUnavailableException)
                    {
                        // The original failure is what propagates.
                    }
                }
            }

            return new StoredFile(storageKey, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// A stream of the decrypted file; fails with <see cref="StoredFileCorruptException"/> if anything was altered,
    /// <see cref="BlobNotFoundException"/> when there is no file, <see cref="StorageUnavailableException"/> when the store is down.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        var file = await blobs.OpenReadAsync(storageKey, cancellationToken);
        try
        {
            var (_, dataKey) = await StoredFileFormat.ReadHeaderAsync(file, storageKey, keys.Find, cancellationToken);
            return new DecryptingStream(file, dataKey);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public Task<bool> ExistsAsync(string storageKey, CancellationToken cancellationToken = default) => blobs.ExistsAsync(storageKey, cancellationToken);

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken = default) => blobs.DeleteAsync(storageKey, cancellationToken);

    /// <summary>
    /// Crypto-shreds a file: the object is first replaced by random bytes (so its wrapped data key, and with it every copy of the
    /// ciphertext anywhere, can never be opened again), then deleted. A file already gone is fine. For a bucket, keep versioning off
    /// (or expire noncurrent versions at once): an older version would still hold the wrapped key.
    /// </summary>
    public async Task ShredAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        if (await blobs.ExistsAsync(storageKey, cancellationToken))
        {
            await using (var output = await blobs.CreateAsync(storageKey, cancellationToken))
            {
                await output.WriteAsync(RandomNumberGenerator.GetBytes(512), cancellationToken);
                await output.CommitAsync(cancellationToken);
            }

            await blobs.DeleteAsync(storageKey, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes without failing: for clean-up after the row is gone or was never written, where an unreachable store only
    /// leaves an orphan for the sweeper. Returns whether it was removed.
    /// </summary>
    public async Task<bool> TryDeleteAsync(string storageKey)
    {
        try
        {
            await blobs.DeleteAsync(storageKey, CancellationToken.None);
            return true;
        }
        catch (StorageUnavailableException)
        {
            return false;
        }
    }

    /// <summary>
    /// Re-wraps the file's data key under the active master key when it is under another one: the header is rewritten, the
    /// chunks are copied as they are (never decrypted). Returns false when the file is already under the active key.
    /// </summary>
    public async Task<bool> RewrapAsync(string storageKey, CancellationToken cancellationToken = default)
    {
        var (activeId, activeKey) = keys.Active;
        await using var file = await blobs.OpenReadAsync(storageKey, cancellationToken);
        var (keyId, dataKey) = await StoredFileFormat.ReadHeaderAsync(file, storageKey, keys.Find, cancellationToken);
        try
        {
            if (keyId == activeId)
            {
                return false;
            }

            await using var output = await blobs.CreateAsync(storageKey, cancellationToken);
            await output.WriteAsync(StoredFileFormat.Header(activeId, activeKey, dataKey, storageKey), cancellationToken);
            await output.WriteAllAsync(file, cancellationToken);
            await output.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Re-wraps every file in the store that is not under the active master key (see <see cref="RewrapAsync"/>).</summary>
    public async Task<RewrapResult> RewrapAllAsync(CancellationToken cancellationToken = default)
    {
        int rewrapped = 0, current = 0, failed = 0;
        await foreach (var blob in blobs.ListAsync(cancellationToken))
        {
            try
            {
                if (await RewrapAsync(blob.StorageKey, cancellationToken))
                {
                    rewrapped++;
                }
                else
                {
                    current++;
                }
            }
            catch (StoredFileCorruptException)
            {
                failed++;
            }
            catch (BlobNotFoundException)
            {
                // Deleted since it was listed.
            }
        }

        return new RewrapResult(rewrapped, current, failed);
    }

    /// <summary>128 random bits as 32 lower-case hex characters: says nothing about the file or its owner.</summary>
    public static string NewStorageKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsStorageKey(string value) =>
        value.Length == 32 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static async Task<int> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}

/// <summary>Checks the plaintext as it streams through the store (for example: is it really a PDF?).</summary>
public interface IStoreInspector
{
    /// <summary>Sees each chunk in order; throws to refuse the file.</summary>
    void Inspect(ReadOnlySpan<byte> chunk, long offset, bool isLast);

    /// <summary>After the last chunk, before the file becomes visible; throws to refuse the file.</summary>
    void Complete(long totalBytes);
}

public sealed class StoredFileTooLargeException(long maxBytes) : Exception($"The file is larger than the limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>A stored file failed its integrity check: altered, truncated, or under an unknown key. Says nothing of the content.</summary>
public sealed class StoredFileCorruptException(string? message = null)
    : Exception(message ?? "The stored file failed its integrity check (altered or truncated).");
