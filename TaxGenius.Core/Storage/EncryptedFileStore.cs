using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TaxGenius.Core.Storage;

/// <summary>What the store knows about a file it has just written.</summary>
public sealed record StoredFile(string StorageKey, long Size, string Sha256);

/// <summary>
/// Documents at rest: each file is encrypted with its own random 256-bit data key in AES-256-GCM chunks of 64 KiB; the data key
/// is wrapped (AES-256-GCM) by a master key from configuration. Files are named by random keys in a folder outside the web root.
/// <para>Layout of a file: "TGF1", key-id length (1 byte), key id (ASCII), wrapped data key (nonce 12, tag 16, ciphertext 32),
/// then chunks of [plaintext length (4, big-endian)][tag 16][ciphertext]. Chunk nonces are the chunk's counter (safe: the key
/// is used for this file only); each chunk's associated data holds its index and whether it is the last one, so reordered,
/// dropped or truncated chunks fail to open. The wrapped key's associated data names the storage key, so a file moved to
/// another document's key does not open either.</para>
/// <para>A file is written to a temporary name in <c>tmp/</c> and renamed into place only when complete and flushed:
/// a crash mid-write leaves nothing visible under a storage key (the sweeper removes stale temporaries).</para>
/// </summary>
public sealed class EncryptedFileStore
{
    /// <summary>
    /// Plaintext bytes per chunk written (the last one may be shorter). Each chunk records its length, so files written with
    /// smaller chunks (64 KiB before) still open.
    /// </summary>
    public const int ChunkSize = 256 * 1024;
    private const int ChunkOverhead = StoredFileFormat.ChunkOverhead;
    private const int TagSize = StoredFileFormat.TagSize;
    private const int NonceSize = StoredFileFormat.NonceSize;

    private readonly StorageKeyRing keys;

    public EncryptedFileStore(string root, StorageKeyRing keys)
    {
        Root = Path.GetFullPath(root);
        this.keys = keys;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(TempFolder);
    }

    public string Root { get; }

    public string TempFolder => Path.Combine(Root, "tmp");

    /// <summary>
    /// Encrypts <paramref name="source"/> into a new file. <paramref name="inspector"/> sees each plaintext chunk before it is
    /// written (file-type checks) and once more after the last chunk, before the file becomes visible; it throws to refuse the
    /// file. On any failure, cancellation included, nothing is left behind.
    /// </summary>
    public async Task<StoredFile> WriteAsync(Stream source, long maxBytes, IStoreInspector? inspector = null,
        CancellationToken cancellationToken = default)
    {
        var storageKey = NewStorageKey();
        var finalPath = PathFor(storageKey);
        var tempPath = Path.Combine(TempFolder, storageKey + ".part");
        var (keyId, masterKey) = keys.Active;

        var dataKey = RandomNumberGenerator.GetBytes(32);
        var buffers = new[] { new byte[ChunkSize], new byte[ChunkSize] };
        // Two sealed-chunk buffers ([length][tag][ciphertext], one write each): one is written to disk while the next fills.
        var sealedChunks = new[] { new byte[ChunkOverhead + ChunkSize], new byte[ChunkOverhead + ChunkSize] };
        Task? pendingWrite = null;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var output = new FileStream(tempPath, fileOptions))
            {
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
                    await output.FlushAsync(cancellationToken);
                    output.Flush(flushToDisk: true);
                }
                finally
                {
                    // Never leave a write running against a file that is about to be closed and deleted.
                    if (pendingWrite is not null)
                    {
                        try
                        {
                            await pendingWrite;
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                        {
                            // The original failure is what propagates.
                        }
                    }
                }
            }

            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            File.Move(tempPath, finalPath);
            return new StoredFile(storageKey, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>A stream of the decrypted file; fails with <see cref="StoredFileCorruptException"/> if anything was altered.</summary>
    public Stream OpenRead(string storageKey)
    {
        var path = PathFor(storageKey);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        try
        {
            var dataKey = StoredFileFormat.ReadHeader(file, storageKey, keys.Find);
            return new DecryptingStream(file, dataKey);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool Exists(string storageKey) => File.Exists(PathFor(storageKey));

    public void Delete(string storageKey) => TryDelete(PathFor(storageKey));

    /// <summary>Every storage key with a file in the store.</summary>
    public IEnumerable<(string StorageKey, DateTime LastWriteUtc)> EnumerateFiles()
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*.tgf", SearchOption.AllDirectories))
        {
            yield return (Path.GetFileNameWithoutExtension(file), File.GetLastWriteTimeUtc(file));
        }
    }

    /// <summary>Temporaries of writes that never finished (a crash or a kill mid-upload).</summary>
    public IEnumerable<(string Path, DateTime LastWriteUtc)> EnumerateTemporaries() =>
        Directory.EnumerateFiles(TempFolder, "*.part").Select(f => (f, File.GetLastWriteTimeUtc(f)));

    internal string PathFor(string storageKey)
    {
        if (!IsStorageKey(storageKey))
        {
            throw new ArgumentException("Not a storage key.", nameof(storageKey));
        }

        return Path.Combine(Root, storageKey[..2], storageKey + ".tgf");
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

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the sweeper.
        }
        catch (UnauthorizedAccessException)
        {
        }
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
