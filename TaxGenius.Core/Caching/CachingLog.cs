using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Caching;

/// <summary>The distributed cache (1100–1199).</summary>
internal static partial class CachingLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Cache unavailable ({Operation}, {ErrorType}); using the database")]
    public static partial void Unavailable(ILogger logger, string operation, string errorType);
}
