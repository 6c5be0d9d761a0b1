using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Data;

/// <summary>Start-up: migrations, the first administrator, demo data (1000–1099).</summary>
internal static partial class DataLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "The first administrator was created from Bootstrap:AdminEmail; remove Bootstrap:AdminPassword from the configuration now")]
    public static partial void Bootstrapped(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Database ({Provider}) migrated: {Pending} pending migrations applied")]
    public static partial void Migrated(ILogger logger, DatabaseProvider provider, int pending);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "The database was copied to {Backup} before {Pending} migrations are applied; delete the copy once the app runs")]
    public static partial void BackedUp(ILogger logger, string backup, int pending);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Demo data seeded ({Created} new demo accounts)")]
    public static partial void DemoSeeded(ILogger logger, int created);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Demo firm seeded: {Clients} clients, {Documents} documents, {Engagements} engagements in {ElapsedMs} ms")]
    public static partial void DemoFirmSeeded(ILogger logger, int clients, int documents, int engagements, long elapsedMs);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "A demo signature request was not sent: {Reason}")]
    public static partial void DemoSignatureSkipped(ILogger logger, string? reason);

}
