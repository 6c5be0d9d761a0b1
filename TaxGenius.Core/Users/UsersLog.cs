using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Users;

/// <summary>The user-administration log messages (event ids 1400–1499). Ids and counts only, never an e-mail or a name.</summary>
internal static partial class UsersLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "User {UserId} deleted; {FileCount} stored file(s) removed")]
    public static partial void UserDeleted(ILogger logger, Guid userId, int fileCount);
}
