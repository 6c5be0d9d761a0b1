using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>A document's recognition row as the app's recognition job leaves it.</summary>
public static class Recognitions
{
    public static async Task<DocumentRecognition> RowAsync(TaxGeniusAppFactory app, Guid documentId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.DocumentRecognitions.AsNoTracking().SingleAsync(r => r.DocumentId == documentId);
    }

    /// <summary>The row once it is no longer QUEUED (the Hangfire recognition worker has read the document), or as it is after a minute.</summary>
    public static async Task<DocumentRecognition> SettledAsync(TaxGeniusAppFactory app, Guid documentId)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var row = await RowAsync(app, documentId);
            if (row.Status != RecognitionStatus.Queued || DateTime.UtcNow > deadline)
            {
                return row;
            }
        }
    }
}
