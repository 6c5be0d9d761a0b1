using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Sessions;

/// <summary>Sign-in sessions (1800–1899).</summary>
internal static partial class SessionsLog
{
    [LoggerMessage(EventId = 1801, Level = LogLevel.Information, Message = "Session started for user {UserId}")]
    public static partial void Started(ILogger logger, Guid userId);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Information, Message = "{Count} session(s) of user {UserId} ended ({Reason})")]
    public static partial void Ended(ILogger logger, Guid userId, int count, string reason);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Warning, Message = "Session cache unavailable ({Operation}, {ErrorType}); using the database")]
    public static partial void CacheUnavailable(ILogger logger, string operation, string errorType);
}
