namespace TaxGenius.Core.Storage;

/// <summary>
/// Settings under <c>Storage</c>. Files are encrypted with a random key per file; that key is wrapped (AES-256-GCM) by a
/// master key from <see cref="MasterKeys"/> (id → base64 of 32 bytes), the active one named by <see cref="ActiveKeyId"/>.
/// Older keys stay listed so older files still open.
/// </summary>
public sealed class DocumentStoreOptions
{
    public const string Section = "Storage";

    /// <summary>Where encrypted files live; relative to the data folder. Never under wwwroot.</summary>
    public string Path { get; set; } = "documents";

    public Dictionary<string, string> MasterKeys { get; set; } = [];

    public string? ActiveKeyId { get; set; }

    /// <summary>Largest accepted file, in bytes (default 50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>What is wrong with the master keys (each message names the setting); empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var error in Security.KeyRingSettings.Storage.Validate(MasterKeys, ActiveKeyId))
        {
            yield return error;
        }

        if (MaxFileBytes <= 0)
        {
            yield return "Storage:MaxFileBytes must be positive.";
        }
    }
}
