using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Documents;

/// <summary>Documents: uploads, the store sweeper (1200–1299). Never a file name or content.</summary>
internal static partial class DocumentsLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Stored document {DocumentId} for user {UserId} ({Bytes} bytes)")]
    public static partial void Stored(ILogger logger, Guid documentId, Guid userId, long bytes);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Refused an upload from user {UserId}: {Reason}")]
    public static partial void UploadRefused(ILogger logger, Guid userId, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "An upload from user {UserId} failed: the document store did not answer")]
    public static partial void StoreUnavailable(ILogger logger, Guid userId, Exception exception);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Information, Message = "Document store swept: {Temporaries} unfinished uploads and {Orphans} files without a document removed")]
    public static partial void Swept(ILogger logger, int temporaries, int orphans);
}
