namespace TaxGenius.Core.Storage;

/// <summary>
/// Blobs as files in a folder outside the web root: <c>ab/abcdef….tgf</c> (the first two characters of the storage key as a
/// subfolder). A write goes to <c>tmp/KEY.part</c>, held open with an exclusive lock, and is renamed into place when complete
/// and flushed to disk: a crash mid-write leaves nothing visible under a storage key.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    public LocalBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(TempFolder);
    }

    public string Root { get; }

    public string TempFolder => Path.Combine(Root, "tmp");

    public string Description => "local folder";

    public bool IsShared => false;

    public Task<IBlobWriter> CreateAsync(string storageKey, CancellationToken cancellationToken)
    {
        var finalPath = PathFor(storageKey);
        var tempPath = Path.Combine(TempFolder, $"{storageKey}.{Guid.NewGuid():N}.part");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return Task.FromResult<IBlobWriter>(new Writer(new FileStream(tempPath, options), tempPath, finalPath));
    }

    public Task<Stream> OpenReadAsync(string storageKey, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathFor(storageKey), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException();
        }
    }

    public Task<bool> ExistsAsync(string storageKey, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathFor(storageKey)));

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken)
    {
        TryDelete(PathFor(storageKey));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var file in Directory.EnumerateFiles(Root, "*.tgf", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new BlobInfo(Path.GetFileNameWithoutExtension(file), File.GetLastWriteTimeUtc(file));
        }
    }

    /// <summary>
    /// Temporaries written before the cutoff that no process holds open: a writer keeps its temporary locked from creation to the
    /// rename, so one that opens exclusively belongs to a write that died with its process (at start, every one does).
    /// </summary>
    public Task<int> RemoveAbandonedWritesAsync(DateTime startedBeforeUtc, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(TempFolder, "*.part").ToList())
        {
            if (File.GetLastWriteTimeUtc(path) < startedBeforeUtc && TryDeleteUnlocked(path))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    /// <summary>Temporaries of writes in progress or abandoned (tests look at them).</summary>
    public IEnumerable<string> Temporaries() => Directory.EnumerateFiles(TempFolder, "*.part");

    public string PathFor(string storageKey)
    {
        if (!EncryptedFileStore.IsStorageKey(storageKey))
        {
            throw new ArgumentException("Not a storage key.", nameof(storageKey));
        }

        return Path.Combine(Root, storageKey[..2], storageKey + ".tgf");
    }

    private static bool TryDeleteUnlocked(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
            }

            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the sweeper.
        }
    }

    private sealed class Writer(FileStream file, string tempPath, string finalPath) : IBlobWriter
    {
        private bool committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => file.WriteAsync(data, cancellationToken);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
            await file.DisposeAsync();
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            File.Move(tempPath, finalPath, overwrite: true);
            committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await file.DisposeAsync();
            if (!committed)
            {
                TryDelete(tempPath);
            }
        }
    }
}
