using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Identity.Passkeys;

internal static partial class PasskeyLog
{
    /// <summary>Identity's reason (wrong origin, unknown credential, bad signature…): never a credential or a key.</summary>
    [LoggerMessage(EventId = 1964, Level = LogLevel.Warning, Message = "A passkey sign-in was refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);
}
