using System.Security.Cryptography;
using System.Text;

namespace TaxGenius.Core.Storage;

/// <summary>
/// The stored file's header: "TGF1", key-id length (1 byte), key id (ASCII), then the file's data key wrapped by that master key
/// (nonce 12, tag 16, ciphertext 32), bound to the storage key. Chunks follow (see <see cref="EncryptedFileStore"/>); one format
/// whatever holds the bytes.
/// </summary>
internal static class StoredFileFormat
{
    public const int TagSize = 16;
    public const int NonceSize = 12;

    /// <summary>A chunk's length (4 bytes) and tag before its ciphertext.</summary>
    public const int ChunkOverhead = 4 + TagSize;

    public static readonly byte[] Magic = "TGF1"u8.ToArray();

    private static byte[] WrapAad(string keyId, string storageKey) => Encoding.ASCII.GetBytes($"TGF1|{keyId}|{storageKey}");

    public static byte[] Header(string keyId, byte[] masterKey, byte[] dataKey, string storageKey)
    {
        var id = Encoding.ASCII.GetBytes(keyId);
        var header = new byte[Magic.Length + 1 + id.Length + NonceSize + TagSize + dataKey.Length];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = (byte)id.Length;
        id.CopyTo(span[(Magic.Length + 1)..]);
        var rest = span[(Magic.Length + 1 + id.Length)..];
        var nonce = rest[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(masterKey, TagSize);
        aes.Encrypt(nonce, dataKey, rest.Slice(NonceSize + TagSize, dataKey.Length), rest.Slice(NonceSize, TagSize), WrapAad(keyId, storageKey));
        return header;
    }

    /// <summary>Reads the header and unwraps the file's data key; the stream is left at the first chunk.</summary>
    public static async Task<(string KeyId, byte[] DataKey)> ReadHeaderAsync(Stream file, string storageKey, Func<string, byte[]?> findMasterKey,
        CancellationToken cancellationToken)
    {
        var start = new byte[Magic.Length + 1];
        await ReadExactlyAsync(file, start, cancellationToken);
        if (!start.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new StoredFileCorruptException();
        }

        var id = new byte[start[Magic.Length]];
        await ReadExactlyAsync(file, id, cancellationToken);
        var keyId = Encoding.ASCII.GetString(id);
        var masterKey = findMasterKey(keyId) ?? throw new StoredFileCorruptException($"The file was encrypted under master key '{keyId}', which is not configured.");
        var wrapped = new byte[NonceSize + TagSize + 32];
        await ReadExactlyAsync(file, wrapped, cancellationToken);
        var dataKey = new byte[32];
        try
        {
            using var aes = new AesGcm(masterKey, TagSize);
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), dataKey,
                WrapAad(keyId, storageKey));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new StoredFileCorruptException();
        }

        return (keyId, dataKey);
    }

    private static async Task ReadExactlyAsync(Stream file, byte[] buffer, CancellationToken cancellationToken)
    {
        if (await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken) != buffer.Length)
        {
            throw new StoredFileCorruptException(); // shorter than a header: truncated or not a stored file
        }
    }
}
