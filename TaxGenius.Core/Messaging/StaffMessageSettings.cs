using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Messaging;

/// <summary>A staff member's choice of how new client messages reach them by e-mail.</summary>
public sealed class StaffMessageSettings(IDbContextFactory<TaxGeniusDbContext> dbFactory)
{
    public async Task<MessageNotificationMode> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.MessageNotifications).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task SetAsync(Guid userId, MessageNotificationMode mode, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.MessageNotifications, mode), cancellationToken);
    }
}
