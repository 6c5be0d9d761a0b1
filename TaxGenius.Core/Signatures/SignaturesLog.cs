using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Signatures;

/// <summary>E-signature (1900–1999). Ids and counts only: never a name, an answer, a code or a signature.</summary>
internal static partial class SignaturesLog
{
    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Signature request {RequestId} drafted on engagement {EngagementId} ({Pages} pages)")]
    public static partial void Drafted(ILogger logger, Guid requestId, Guid engagementId, int pages);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Signature request {RequestId} completed by {Signers} signers; signed copy stored")]
    public static partial void Completed(ILogger logger, Guid requestId, int signers);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Error, Message = "Signature request {RequestId}: the stored original no longer matches its SHA-256; not signing over it")]
    public static partial void OriginalAltered(ILogger logger, Guid requestId);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Information, Message = "Signature reminders: {Reminded} requests reminded, {Expired} expired")]
    public static partial void RemindersRun(ILogger logger, int reminded, int expired);

    [LoggerMessage(EventId = 1905, Level = LogLevel.Warning, Message = "Signature request {RequestId}: every signer signed but the signed copy could not be made now ({ErrorType}); the hourly job retries")]
    public static partial void CompletionDeferred(ILogger logger, Guid requestId, string errorType);
}
