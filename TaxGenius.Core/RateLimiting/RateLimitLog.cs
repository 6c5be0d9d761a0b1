using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.RateLimiting;

/// <summary>The rate limiter's log messages. Subjects (user ids, IPs) are not logged.</summary>
internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Rate limit counter unavailable for policy {Policy} ({ErrorType}); the request is allowed")]
    public static partial void CounterUnavailable(ILogger logger, string policy, string errorType, Exception exception);
}
