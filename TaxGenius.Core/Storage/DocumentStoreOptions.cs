namespace TaxGenius.Core.Storage;

/// <summary>
/// Settings under <c>Storage</c>. Files are encrypted with a random key per file; that key is wrapped (AES-256-GCM) by a
/// master key from <see cref="MasterKeys"/> (id → base64 of 32 bytes), the active one named by <see cref="ActiveKeyId"/>.
/// Older keys stay listed so older files still open.
/// </summary>
public sealed class DocumentStoreOptions
{
    public const string Section = "Storage";

    /// <summary>The key id of the generated development master key (never used in Production).</summary>
    public const string DevelopmentKeyId = "dev1";

    /// <summary>Where encrypted files live; relative to the data folder. Never under wwwroot.</summary>
    public string Path { get; set; } = "documents";

    public Dictionary<string, string> MasterKeys { get; set; } = [];

    public string? ActiveKeyId { get; set; }

    /// <summary>Largest accepted file, in bytes (default 50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    public IEnumerable<string> Validate(bool isProduction)
    {
        if (MasterKeys.Count == 0)
        {
            if (isProduction)
            {
                yield return "Storage:MasterKeys and Storage:ActiveKeyId are required in Production (base64 keys of 32 bytes).";
            }

            yield break;
        }

        foreach (var (id, value) in MasterKeys)
        {
            if (id.Length is < 1 or > 16 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                yield return $"Storage:MasterKeys has a key id that is not 1-16 letters, digits, '-' or '_'.";
            }

            if (Security.MasterKeys.TryDecode(value) is null)
            {
                yield return $"Storage:MasterKeys:{id} must be the base64 of exactly 32 bytes.";
            }
        }

        if (ActiveKeyId is null || !MasterKeys.ContainsKey(ActiveKeyId))
        {
            yield return "Storage:ActiveKeyId must name one of Storage:MasterKeys.";
        }
    }
}
