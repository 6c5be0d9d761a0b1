namespace TaxGenius.Core.Storage;

/// <summary>
/// Where the encrypted bytes of stored files live: a local folder (<see cref="LocalBlobStore"/>, the embedded default) or any
/// S3-compatible bucket (<see cref="S3BlobStore"/>). A blob store only ever sees ciphertext under random storage keys: the
/// encryption, the format and every check are <see cref="EncryptedFileStore"/>'s, the same whatever holds the bytes.
/// </summary>
public interface IBlobStore
{
    /// <summary>For logs and the health page: "local folder" or "S3 bucket NAME at HOST". Never a credential.</summary>
    string Description { get; }

    /// <summary>
    /// True when several instances share the store (a bucket): writes another instance has in flight may be found at any time,
    /// so abandoned ones are removed only after a grace period, never at start.
    /// </summary>
    bool IsShared { get; }

    /// <summary>
    /// A new write under <paramref name="storageKey"/>, invisible until <see cref="IBlobWriter.CommitAsync"/> (which replaces any
    /// blob already there, atomically). Disposed without a commit, it leaves nothing behind.
    /// </summary>
    Task<IBlobWriter> CreateAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>The blob's bytes as a stream; <see cref="BlobNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string storageKey, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Removes the blob; nothing happens when there is none.</summary>
    Task DeleteAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Every blob in the store (storage key and when it was written), in no particular order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes writes that were started before <paramref name="startedBeforeUtc"/> and never committed (a crash, a killed
    /// process): temporaries in a folder, incomplete multipart uploads in a bucket. Returns how many went.
    /// </summary>
    Task<int> RemoveAbandonedWritesAsync(DateTime startedBeforeUtc, CancellationToken cancellationToken);
}

/// <summary>One write in progress. Bytes passed to <see cref="WriteAsync"/> are copied (or written) before its task ends.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the blob visible under its storage key.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

public static class BlobWriterExtensions
{
    /// <summary>Writes the rest of <paramref name="source"/> into the blob (not committed: the caller commits).</summary>
    public static async Task WriteAllAsync(this IBlobWriter writer, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(source);
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}

public sealed record BlobInfo(string StorageKey, DateTime WrittenUtc);

/// <summary>There is no blob under the storage key.</summary>
public sealed class BlobNotFoundException() : Exception("No stored file under that storage key.");

/// <summary>
/// The store could not be reached or refused the request (network, credentials, the service down). Says nothing of the file;
/// the operation left nothing behind and may be tried again.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
