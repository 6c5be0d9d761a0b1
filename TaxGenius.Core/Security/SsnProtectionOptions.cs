using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core.Security;

/// <summary>
/// Settings under <c>Ssn</c>: the key ring that encrypts SSNs. <c>Ssn:Keys:&lt;id&gt;</c> is the base64 of 32 random bytes
/// (<c>openssl rand -base64 32</c>); <c>Ssn:ActiveKeyId</c> names the key new SSNs are encrypted with. Older keys stay
/// listed until <c>rotate-ssn-keys</c> has re-encrypted everything under the active one.
/// </summary>
public sealed class SsnProtectionOptions
{
    public const string Section = "Ssn";

    /// <summary>The key id of the generated development key (never used in Production).</summary>
    public const string DevelopmentKeyId = "dev";

    /// <summary>Key id → base64 of a 256-bit key.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    public string? ActiveKeyId { get; set; }
}

/// <summary>Checks the key ring at start; each message names the setting to fix and never shows a key.</summary>
public sealed partial class SsnProtectionOptionsValidator(IHostEnvironment environment) : IValidateOptions<SsnProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, SsnProtectionOptions options)
    {
        var errors = Check(options, environment.IsProduction()).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static IEnumerable<string> Check(SsnProtectionOptions options, bool production)
    {
        if (options.Keys.Count == 0)
        {
            yield return "Ssn:Keys is empty" + (production ? " and is required in Production" : "") +
                ": add a key as Ssn:Keys:<id> (environment variable Ssn__Keys__<id>) set to the base64 of 32 random bytes " +
                "(openssl rand -base64 32), and set Ssn:ActiveKeyId (Ssn__ActiveKeyId) to that id.";
            yield break;
        }

        foreach (var (id, value) in options.Keys)
        {
            if (!KeyId().IsMatch(id))
            {
                yield return $"Ssn:Keys:{id}: a key id is 1 to 32 letters, digits, '-' or '_'.";
            }

            if (MasterKeys.TryDecode(value) is null)
            {
                yield return $"Ssn:Keys:{id} must be the base64 of exactly {MasterKeys.Size} random bytes (openssl rand -base64 32).";
            }
        }

        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            yield return "Ssn:ActiveKeyId (environment variable Ssn__ActiveKeyId) is required: the id of the key under Ssn:Keys that encrypts new SSNs.";
        }
        else if (!options.Keys.ContainsKey(options.ActiveKeyId))
        {
            yield return $"Ssn:ActiveKeyId '{options.ActiveKeyId}' names no key under Ssn:Keys (ids are case-sensitive).";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyId();
}
