using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Backups;

/// <summary>Backups and restores (1950–1969). Counts only.</summary>
internal static partial class BackupsLog
{
    [LoggerMessage(EventId = 1951, Level = LogLevel.Information, Message = "Backup written: {Objects} stored files ({Bytes} bytes), {Missing} missing")]
    public static partial void BackedUp(ILogger logger, int objects, long bytes, int missing);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Information, Message = "Backup restored: {Objects} stored files")]
    public static partial void Restored(ILogger logger, int objects);
}
