using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Audit;

/// <summary>Writes audit rows; the only writer of <see cref="AuditEntry"/>. There is no update or delete.</summary>
public sealed class AuditLog(IDbContextFactory<TaxGeniusDbContext> dbFactory, TimeProvider timeProvider)
{
    public const int MaxDetailLength = 1000;

    /// <summary>Adds an entry to <paramref name="db"/> (saved with the caller's change, in the same transaction).</summary>
    public AuditEntry Add(TaxGeniusDbContext db, AuditActor actor, string action, string? subjectType, Guid? subjectId, Guid? subjectUserId,
        string? detail = null)
    {
        var entry = new AuditEntry
        {
            At = timeProvider.GetUtcNow().UtcDateTime,
            ActorId = actor.UserId == Guid.Empty ? null : actor.UserId,
            ActorEmail = actor.Email,
            Action = action,
            SubjectType = subjectType,
            SubjectId = subjectId,
            SubjectUserId = subjectUserId,
            Detail = detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail,
            IpAddress = actor.IpAddress,
            UserAgent = actor.UserAgent,
            ApiTokenId = actor.ApiTokenId,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Writes one entry on its own (actions that change nothing else: a view, a download, an SSN reveal).</summary>
    public async Task WriteAsync(AuditActor actor, string action, string? subjectType, Guid? subjectId, Guid? subjectUserId, string? detail = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        Add(db, actor, action, subjectType, subjectId, subjectUserId, detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}
