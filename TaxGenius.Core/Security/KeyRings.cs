using System.Text.RegularExpressions;

namespace TaxGenius.Core.Security;

/// <summary>
/// One of the app's key rings as configuration holds it: <c>{Section}:{KeysName}:&lt;id&gt;</c> = base64 of 32 random bytes, and
/// <c>{Section}:ActiveKeyId</c> naming the key new data is encrypted with. Older keys stay listed so older data still decrypts.
/// </summary>
/// <param name="Section">The configuration section (<c>Ssn</c>, <c>Storage</c>, <c>DataProtection</c>).</param>
/// <param name="KeysName">The name of the key list inside the section (<c>Keys</c>, <c>MasterKeys</c>).</param>
/// <param name="DevelopmentKeyId">The id of the key Development generates when none is configured.</param>
/// <param name="Purpose">The development key file's name: <c>App_Data/keys/{Purpose}-dev.key</c>.</param>
/// <param name="Protects">What the ring encrypts, for people reading a start-up notice.</param>
/// <param name="MaxIdLength">The longest key id (the document store writes the id into each file's header).</param>
public sealed record KeyRingSetting(string Section, string KeysName, string DevelopmentKeyId, string Purpose, string Protects, int MaxIdLength = 32)
{
    public string KeysPath => $"{Section}:{KeysName}";

    public string ActivePath => $"{Section}:ActiveKeyId";

    /// <summary>
    /// What is wrong with <paramref name="keys"/> and <paramref name="activeKeyId"/>; each message names the setting (and its environment
    /// variable) and never shows a key.
    /// </summary>
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> keys, string? activeKeyId)
    {
        if (keys.Count == 0)
        {
            yield return $"{KeysPath} is empty and is required outside Development: add a key as {KeysPath}:<id> (environment variable " +
                $"{Section}__{KeysName}__<id>) set to the base64 of {MasterKeys.Size} random bytes (openssl rand -base64 32), and set " +
                $"{ActivePath} ({Section}__ActiveKeyId) to that id.";
            yield break;
        }

        foreach (var (id, value) in keys)
        {
            if (id.Length > MaxIdLength || !KeyIdPattern().IsMatch(id))
            {
                yield return $"{KeysPath}:{Printable(id)}: a key id is 1 to {MaxIdLength} letters, digits, '-' or '_'.";
            }

            if (MasterKeys.TryDecode(value) is null)
            {
                yield return $"{KeysPath}:{Printable(id)} must be the base64 of exactly {MasterKeys.Size} random bytes (openssl rand -base64 32).";
            }
        }

        if (string.IsNullOrWhiteSpace(activeKeyId))
        {
            yield return $"{ActivePath} (environment variable {Section}__ActiveKeyId) is required: the id of the key under {KeysPath} that encrypts new data.";
        }
        else if (!keys.ContainsKey(activeKeyId))
        {
            yield return $"{ActivePath} '{Printable(activeKeyId)}' names no key under {KeysPath} (ids are case-sensitive).";
        }
    }

    private static string Printable(string id) => id.Length <= 32 && KeyIdPattern().IsMatch(id) ? id : "(unreadable id)";

    private static Regex KeyIdPattern() => KeyRingSettings.KeyId();
}

/// <summary>The app's three key rings.</summary>
public static partial class KeyRingSettings
{
    public static readonly KeyRingSetting Ssn = new("Ssn", "Keys", "dev", "ssn", "SSNs");

    public static readonly KeyRingSetting Storage = new("Storage", "MasterKeys", "dev1", "storage", "Stored documents", MaxIdLength: 16);

    /// <summary>Encrypts the Data Protection key ring (cookies, antiforgery, reset links) and Identity's secrets (authenticator keys, recovery codes).</summary>
    public static readonly KeyRingSetting DataProtection = new("DataProtection", "Keys", "dev", "data-protection",
        "The Data Protection key ring and authenticator secrets");

    public static readonly IReadOnlyList<KeyRingSetting> All = [Ssn, Storage, DataProtection];

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex KeyId();
}

/// <summary>A decoded key ring: every key decrypts, the active one encrypts.</summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, byte[]> keys;

    /// <summary>Decodes a validated ring; throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming the setting otherwise.</summary>
    public KeyRing(KeyRingSetting setting, IReadOnlyDictionary<string, string> base64Keys, string? activeKeyId)
    {
        var errors = setting.Validate(base64Keys, activeKeyId).ToList();
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(setting.Section, typeof(KeyRing), errors);
        }

        Setting = setting;
        keys = base64Keys.ToDictionary(k => k.Key, k => MasterKeys.TryDecode(k.Value)!, StringComparer.Ordinal);
        ActiveKeyId = activeKeyId!;
        ActiveKey = keys[ActiveKeyId];
    }

    public KeyRingSetting Setting { get; }

    public string ActiveKeyId { get; }

    public byte[] ActiveKey { get; }

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    public byte[]? Find(string keyId) => keys.GetValueOrDefault(keyId);
}
