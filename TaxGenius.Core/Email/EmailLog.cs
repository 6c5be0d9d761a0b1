using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Email;

/// <summary>E-mail delivery (1600–1699). Never an address or a body.</summary>
internal static partial class EmailLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "E-mail {EmailId} attempt {Attempt} failed ({ErrorType}); next attempt at {NextAttemptAt:O}")]
    public static partial void AttemptFailed(ILogger logger, Guid emailId, int attempt, DateTime nextAttemptAt, string errorType);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Debug, Message = "E-mail batch: {Claimed} claimed, {Sent} sent, {Failed} failed")]
    public static partial void Batch(ILogger logger, int claimed, int sent, int failed);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Error, Message = "E-mail {EmailId} given up after {Attempts} attempt(s) ({ErrorType}); an admin can resend it from /admin/outbox")]
    public static partial void GivenUp(ILogger logger, Guid emailId, int attempts, string errorType);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "E-mail {EmailId} queued again by an admin")]
    public static partial void Resent(ILogger logger, Guid emailId);
}
