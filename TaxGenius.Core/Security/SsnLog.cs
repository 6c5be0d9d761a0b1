using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Security;

/// <summary>The SSN feature's log messages. User ids and key ids only: never an SSN, an envelope or a key.</summary>
internal static partial class SsnLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "No SSN key is configured (Ssn:Keys, Ssn:ActiveKeyId): SSNs are encrypted with the development key in {Path} ({State}). " +
        "Configure real keys before storing real SSNs; Production refuses to start without them")]
    public static partial void DevelopmentKeyInUse(ILogger logger, string path, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "SSN saved for user {UserId} under key {KeyId}")]
    public static partial void Saved(ILogger logger, Guid userId, string keyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored SSN of user {UserId} could not be decrypted")]
    public static partial void DecryptFailed(ILogger logger, Guid userId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "SSN rotation pass {Pass}: {Rotated} re-encrypted under {ActiveKeyId}, {Conflicts} changed meanwhile (retried), {Failed} undecryptable")]
    public static partial void RotationPass(ILogger logger, int pass, int rotated, string activeKeyId, int conflicts, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SSN rotation stopped with {Conflicts} rows still changing after {Passes} passes; run it again")]
    public static partial void RotationIncomplete(ILogger logger, int conflicts, int passes);
}
