using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Security;

/// <summary>Security: secrets at rest and SSNs (1300–1399). User ids and key ids only: never an SSN, an envelope or a key.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information,
        Message = "Secrets at rest upgraded: {Keys} Data Protection key(s) and {Tokens} Identity token(s) were stored in clear and are now encrypted")]
    public static partial void SecretsUpgraded(ILogger logger, int keys, int tokens);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "No SSN key is configured (Ssn:Keys, Ssn:ActiveKeyId): SSNs are encrypted with the development key in {Path} ({State}). " +
        "Configure real keys before storing real SSNs; Production refuses to start without them")]
    public static partial void DevelopmentKeyInUse(ILogger logger, string path, string state);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "SSN saved for user {UserId} under key {KeyId}")]
    public static partial void Saved(ILogger logger, Guid userId, string keyId);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Error, Message = "The stored SSN of user {UserId} could not be decrypted")]
    public static partial void DecryptFailed(ILogger logger, Guid userId, Exception exception);

    [LoggerMessage(EventId = 1314, Level = LogLevel.Information, Message = "SSN rotation pass {Pass}: {Rotated} re-encrypted under {ActiveKeyId}, {Conflicts} changed meanwhile (retried), {Failed} undecryptable")]
    public static partial void RotationPass(ILogger logger, int pass, int rotated, string activeKeyId, int conflicts, int failed);

    [LoggerMessage(EventId = 1315, Level = LogLevel.Warning, Message = "SSN rotation stopped with {Conflicts} rows still changing after {Passes} passes; run it again")]
    public static partial void RotationIncomplete(ILogger logger, int conflicts, int passes);
}
