using System.Text.Json;

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

            byte[]? bytes = null;
            try
            {
                bytes = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
            }

            if (bytes is not { Length: 32 })
            {
                yield return $"Storage:MasterKeys:{id} must be the base64 of exactly 32 bytes.";
            }
        }

        if (ActiveKeyId is null || !MasterKeys.ContainsKey(ActiveKeyId))
        {
            yield return "Storage:ActiveKeyId must name one of Storage:MasterKeys.";
        }
    }

    /// <summary>
    /// The embedded default: a development master key kept in the data folder (created once, reused after).
    /// Never used in Production, where keys must come from configuration.
    /// </summary>
    public static (string Id, string Key) DevelopmentKey(string dataPath)
    {
        var folder = System.IO.Path.Combine(dataPath, "keys");
        var file = System.IO.Path.Combine(folder, "storage-dev.key");
        if (File.Exists(file) && JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) is { Count: 1 } existing)
        {
            var pair = existing.Single();
            return (pair.Key, pair.Value);
        }

        Directory.CreateDirectory(folder);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, JsonSerializer.Serialize(new Dictionary<string, string> { ["dev1"] = key }));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return ("dev1", key);
    }
}
