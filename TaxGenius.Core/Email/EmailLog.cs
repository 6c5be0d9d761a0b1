using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Email;

/// <summary>E-mail delivery (1600–1699). Never an address or a body.</summary>
internal static partial class EmailLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "E-mail {EmailId} attempt {Attempt} of {MaxAttempts} failed ({ErrorType})")]
    public static partial void AttemptFailed(ILogger logger, Guid emailId, int attempt, int maxAttempts, string errorType);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Debug, Message = "E-mail batch: {Claimed} claimed, {Sent} sent, {Failed} failed")]
    public static partial void Batch(ILogger logger, int claimed, int sent, int failed);
}
