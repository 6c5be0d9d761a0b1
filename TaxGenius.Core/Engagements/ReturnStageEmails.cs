using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Engagements;

/// <summary>
/// The e-mails a client gets when their return reaches a stage they care about (documents received, ready to sign, filed). Every
/// path that moves an engagement calls <see cref="AddAsync"/> just before its save, so the e-mail commits with the move or not at all.
/// </summary>
public sealed class ReturnStageEmails(EmailQueue emails, PublicUrls urls)
{
    public static ReturnMilestone? Milestone(EngagementStage stage) => stage switch
    {
        EngagementStage.DocumentsReceived => ReturnMilestone.DocumentsReceived,
        EngagementStage.AwaitingSignature => ReturnMilestone.ReadyToSign,
        EngagementStage.Filed => ReturnMilestone.Filed,
        _ => null,
    };

    /// <summary>Queues, in <paramref name="db"/>, one e-mail for each move about to be saved that reaches a milestone.</summary>
    public async Task AddAsync(TaxGeniusDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var moves = db.ChangeTracker.Entries<EngagementStageChange>().Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity).Where(c => Milestone(c.To) is not null).ToList();
        foreach (var move in moves)
        {
            var engagement = db.Engagements.Local.FirstOrDefault(e => e.Id == move.EngagementId)
                ?? await db.Engagements.AsNoTracking().SingleAsync(e => e.Id == move.EngagementId, cancellationToken);
            if (await EmailRecipient.FindAsync(db, engagement.ClientId, cancellationToken) is { } client)
            {
                await emails.AddAsync(db, client.Email, new ReturnStageEmail(client.Greeting, engagement.TaxYear,
                    Milestone(move.To)!.Value, urls.Absolute("/client")), cancellationToken);
            }
        }
    }
}
