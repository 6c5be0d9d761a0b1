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

    /// <summary>Key id → base64 of a 256-bit key.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    public string? ActiveKeyId { get; set; }
}

/// <summary>Checks the key ring at start; each message names the setting to fix and never shows a key.</summary>
public sealed class SsnProtectionOptionsValidator : IValidateOptions<SsnProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, SsnProtectionOptions options)
    {
        var errors = KeyRingSettings.Ssn.Validate(options.Keys, options.ActiveKeyId).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
