using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TaxGenius.Core.Storage;

/// <summary>Decrypts chunk by chunk as it is read from any stream (a file, an S3 response); never holds more than one chunk.</summary>
internal sealed class DecryptingStream(Stream file, byte[] dataKey) : Stream
{
    private readonly AesGcm aes = new(dataKey, StoredFileFormat.TagSize);
    private readonly byte[] plain = new byte[EncryptedFileStore.ChunkSize];
    private readonly byte[] cipher = new byte[EncryptedFileStore.ChunkSize];
    private readonly byte[] chunkHeader = new byte[4 + StoredFileFormat.TagSize];
    private readonly byte[] nonce = new byte[StoredFileFormat.NonceSize];
    private readonly byte[] aad = new byte[9];
    private readonly byte[] trailing = new byte[1];
    private int offset;
    private int available;
    private long index;
    private bool finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (offset == available && !finished)
        {
            if (file.ReadAtLeast(chunkHeader, chunkHeader.Length, throwOnEndOfStream: false) != chunkHeader.Length)
            {
                throw new StoredFileCorruptException(); // ended before a chunk marked last: truncated
            }

            var length = ChunkLength();
            Open(length, file.ReadAtLeast(cipher.AsSpan(0, length), length, throwOnEndOfStream: false));
            if (finished && file.Read(trailing) != 0)
            {
                throw new StoredFileCorruptException(); // data after the last chunk
            }
        }

        return Copy(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset == available && !finished)
        {
            if (await file.ReadAtLeastAsync(chunkHeader, chunkHeader.Length, throwOnEndOfStream: false, cancellationToken) != chunkHeader.Length)
            {
                throw new StoredFileCorruptException();
            }

            var length = ChunkLength();
            Open(length, await file.ReadAtLeastAsync(cipher.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken));
            if (finished && await file.ReadAsync(trailing, cancellationToken) != 0)
            {
                throw new StoredFileCorruptException(); // data after the last chunk
            }
        }

        return Copy(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int ChunkLength()
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(chunkHeader);
        if (length is < 0 or > EncryptedFileStore.ChunkSize)
        {
            throw new StoredFileCorruptException();
        }

        return length;
    }

    private void Open(int length, int got)
    {
        if (got != length)
        {
            throw new StoredFileCorruptException();
        }

        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        BinaryPrimitives.WriteInt64BigEndian(aad, index);
        // Any chunk may be the last (the writer's chunk size is not part of the format): try "not last" first, so only the
        // final chunk is opened twice.
        if (TryOpen(length, last: false))
        {
            finished = false;
        }
        else if (TryOpen(length, last: true))
        {
            finished = true;
        }
        else
        {
            throw new StoredFileCorruptException();
        }

        index++;
        offset = 0;
        available = length;
    }

    private bool TryOpen(int length, bool last)
    {
        aad[8] = last ? (byte)1 : (byte)0;
        try
        {
            aes.Decrypt(nonce, cipher.AsSpan(0, length), chunkHeader.AsSpan(4, StoredFileFormat.TagSize), plain.AsSpan(0, length), aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private int Copy(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, available - offset);
        plain.AsSpan(offset, count).CopyTo(buffer);
        offset += count;
        return count;
    }

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
            aes.Dispose();
            file.Dispose();
            CryptographicOperations.ZeroMemory(dataKey);
            CryptographicOperations.ZeroMemory(plain);
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
