namespace TaxGenius.Core.Storage;

/// <summary>The master keys that wrap each stored file's data key: several versions, one active for new files.</summary>
public sealed class StorageKeyRing
{
    private readonly Dictionary<string, byte[]> keys;

    public StorageKeyRing(IReadOnlyDictionary<string, string> base64Keys, string activeKeyId)
    {
        keys = base64Keys.ToDictionary(k => k.Key,
            k => Security.MasterKeys.TryDecode(k.Value) ?? throw new ArgumentException("Every storage master key must be the base64 of 32 bytes.", nameof(base64Keys)),
            StringComparer.Ordinal);

        if (!keys.TryGetValue(activeKeyId, out var active))
        {
            throw new ArgumentException("The active storage key id is not among the keys.", nameof(activeKeyId));
        }

        Active = (activeKeyId, active);
    }

    public (string Id, byte[] Key) Active { get; }

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    public byte[]? Find(string keyId) => keys.GetValueOrDefault(keyId);
}
