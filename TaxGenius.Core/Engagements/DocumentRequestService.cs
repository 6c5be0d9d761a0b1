using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Core.Engagements;

/// <summary>An item to ask for.</summary>
public sealed record NewRequestItem(RequestKind Kind, string Description, bool Required = true, DateOnly? DueDate = null);

/// <summary>One item as its pages show it.</summary>
public sealed record RequestItemView(
    Guid Id, Guid EngagementId, RequestKind Kind, string Description, bool Required, DateOnly? DueDate, RequestItemStatus Status,
    string? Reason, Guid? DocumentId, DateTime? ResolvedAt)
{
    /// <summary>Fulfilled, accepted or waived: nothing more is needed from the client for it.</summary>
    public bool IsSatisfied() => RequestKinds.IsSatisfied(Status);
}

/// <summary>
/// The outcome of a change to a request item, with the engagement's stage after it; for a request, the new items that documents
/// the client had already sent answered at once (<see cref="Answered"/>, by description).
/// </summary>
public sealed record RequestResult(bool Succeeded, string? Error, EngagementStage? Stage = null)
{
    public IReadOnlyList<string> Answered { get; init; } = [];

    public static RequestResult Fail(string error) => new(false, error);
}

/// <summary>
/// The engagement's checklist of requested documents. Staff ask (an engagement not started moves to Documents requested); the
/// client fulfils an item by uploading into it or says it does not apply, with a reason; staff accept or re-open it. When the
/// last required item is satisfied, the engagement moves to Documents received by itself, in the same transaction, recorded
/// as a move by TaxGenius. A client reaches only their own items: the client's id is part of every query.
/// </summary>
public sealed class DocumentRequestService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    AuditLog audit,
    EmailQueue emails,
    PublicUrls urls,
    ReturnStageEmails stageEmails,
    TimeProvider timeProvider,
    RequestFulfilment? fulfilment = null)
{
    /// <summary>Who moved an engagement when nobody did: the automatic advance.</summary>
    public static readonly AuditActor System = new(Guid.Empty, "TaxGenius (automatic)", null);

    private const int Attempts = 3;

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    public async Task<RequestResult> RequestAsync(AuditActor actor, Guid engagementId, IReadOnlyList<NewRequestItem> items,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return RequestResult.Fail("Add at least one item to ask for.");
        }

        if (items.Any(i => string.IsNullOrWhiteSpace(i.Description) || i.Description.Trim().Length > RequestItem.MaxDescriptionLength))
        {
            return RequestResult.Fail($"Describe each item in 1 to {RequestItem.MaxDescriptionLength} characters (\"W-2 from Acme Corp\").");
        }

        IReadOnlyList<RequestItem> answered = [];
        var result = await WithEngagementAsync(engagementId, async (db, engagement) =>
        {
            var added = await AddItemsAsync(db, engagement, items, null, cancellationToken);

            audit.Add(db, actor, AuditActions.DocumentsRequested, EngagementService.Subject, engagementId, engagement.ClientId,
                $"{Plural.Of(items.Count, "item")}: " + string.Join(", ", items.Select(i => i.Description.Trim())));
            if (engagement.Stage == EngagementStage.NotStarted)
            {
                EngagementService.RecordMove(db, audit, engagement, EngagementStage.DocumentsRequested, actor, null, Now);
            }

            // What the client already sent and recognition read answers its new line at once; the e-mail asks only for the rest.
            answered = fulfilment is null ? [] : await fulfilment.AddForNewItemsAsync(db, engagement, added, cancellationToken);
            await QueueRequestEmailAsync(db, engagement, [.. added.Where(i => i.Status == RequestItemStatus.Open).Select(i => i.Description)],
                cancellationToken);
            return null;
        }, cancellationToken);
        return result.Succeeded ? result with { Answered = [.. answered.Select(i => i.Description)] } : result;
    }

    /// <summary>
    /// Adds <paramref name="items"/> to the engagement's checklist in <paramref name="db"/> (after the ones it has), marked with
    /// <paramref name="origin"/>, and starts the reminder clock when this is the first request.
    /// </summary>
    internal async Task<IReadOnlyList<RequestItem>> AddItemsAsync(TaxGeniusDbContext db, Engagement engagement, IEnumerable<NewRequestItem> items,
        string? origin, CancellationToken cancellationToken)
    {
        var added = new List<RequestItem>();
        var order = await db.RequestItems.Where(i => i.EngagementId == engagement.Id).Select(i => (int?)i.SortOrder).MaxAsync(cancellationToken) ?? 0;
        order = Math.Max(order, db.RequestItems.Local.Where(i => i.EngagementId == engagement.Id).Select(i => i.SortOrder).DefaultIfEmpty().Max());
        foreach (var item in items)
        {
            var line = new RequestItem
            {
                EngagementId = engagement.Id, Kind = item.Kind, Description = item.Description.Trim(), Required = item.Required,
                DueDate = item.DueDate, SortOrder = ++order, Origin = origin,
            };
            db.RequestItems.Add(line);
            added.Add(line);
        }

        engagement.RequestedAt ??= Now;
        return added;
    }

    /// <summary>Tells the client, in the same save, what the firm now needs from them, with one link to the list.</summary>
    internal async Task QueueRequestEmailAsync(TaxGeniusDbContext db, Engagement engagement, IReadOnlyList<string> descriptions,
        CancellationToken cancellationToken)
    {
        if (descriptions.Count > 0 && await EmailRecipient.FindAsync(db, engagement.ClientId, cancellationToken) is { } client)
        {
            await emails.AddAsync(db, client.Email, new DocumentsRequestedEmail(client.Greeting, engagement.TaxYear, descriptions,
                engagement.EffectiveDueDate, urls.Absolute("/client#requests")), cancellationToken);
        }
    }

    /// <summary>The client's own items for a year, in the order the firm asked for them.</summary>
    public async Task<IReadOnlyList<RequestItemView>> ListForClientAsync(Guid clientId, int taxYear, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await View(db.RequestItems.Where(i => i.Engagement!.ClientId == clientId && i.Engagement.TaxYear == taxYear))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One of the client's own items, with its tax year (null for anyone else's).</summary>
    public async Task<(RequestItemView Item, int TaxYear)?> FindForClientAsync(Guid clientId, Guid itemId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.RequestItems.Where(i => i.Id == itemId && i.Engagement!.ClientId == clientId);
        var item = await View(query).SingleOrDefaultAsync(cancellationToken);
        return item is null ? null : (item, await query.Select(i => i.Engagement!.TaxYear).SingleAsync(cancellationToken));
    }

    /// <summary>An engagement's items, for staff.</summary>
    public async Task<IReadOnlyList<RequestItemView>> ListAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await View(db.RequestItems.Where(i => i.EngagementId == engagementId)).ToListAsync(cancellationToken);
    }

    /// <summary>The client uploaded <paramref name="documentId"/> (their own) into the item.</summary>
    public Task<RequestResult> FulfilAsync(Guid clientId, Guid itemId, Guid documentId, CancellationToken cancellationToken = default) =>
        ClientChangeAsync(clientId, itemId, async (db, item) =>
        {
            if (!await db.Documents.AnyAsync(d => d.Id == documentId && d.UserId == clientId, cancellationToken))
            {
                return "That document does not exist.";
            }

            item.Status = RequestItemStatus.Fulfilled;
            item.DocumentId = documentId;
            item.Reason = null;
            return null;
        }, cancellationToken);

    /// <summary>
    /// The upload path's half of <see cref="FulfilAsync"/>: <paramref name="item"/> (tracked in <paramref name="db"/> with the rest of
    /// its checklist) is answered by the document being added in the same save, and the engagement advances when it was the last.
    /// </summary>
    internal static void Fulfil(TaxGeniusDbContext db, AuditLog audit, RequestItem item, Guid documentId, DateTime now)
    {
        item.Status = RequestItemStatus.Fulfilled;
        item.DocumentId = documentId;
        item.Reason = null;
        item.ResolvedAt = now;
        AdvanceWhenComplete(db, audit, item.Engagement!, now);
    }

    /// <summary>The client says the item does not apply to them this year.</summary>
    public Task<RequestResult> MarkNotApplicableAsync(Guid clientId, Guid itemId, string? reason, CancellationToken cancellationToken = default) =>
        ClientChangeAsync(clientId, itemId, (_, item) =>
        {
            var trimmed = reason?.Trim();
            if (string.IsNullOrEmpty(trimmed) || trimmed.Length > RequestItem.MaxReasonLength)
            {
                return Task.FromResult<string?>($"Tell the firm why in 1 to {RequestItem.MaxReasonLength} characters (\"I changed jobs in 2024\").");
            }

            item.Status = RequestItemStatus.NotApplicable;
            item.Reason = trimmed;
            return Task.FromResult<string?>(null);
        }, cancellationToken);

    /// <summary>A preparer accepts what the client gave (an upload or a "does not apply").</summary>
    public Task<RequestResult> AcceptAsync(AuditActor actor, Guid itemId, CancellationToken cancellationToken = default) =>
        StaffChangeAsync(actor, itemId, AuditActions.RequestItemAccepted, (item, _) =>
        {
            if (item.Status == RequestItemStatus.Open)
            {
                return "Nothing to accept yet: the client has not answered this item.";
            }

            item.Status = RequestItemStatus.Accepted;
            return null;
        }, null, cancellationToken);

    /// <summary>A preparer re-opens an item (a wrong file, a "does not apply" that does): the client is asked again, with the reason.</summary>
    public Task<RequestResult> ReopenAsync(AuditActor actor, Guid itemId, string? reason, CancellationToken cancellationToken = default) =>
        StaffChangeAsync(actor, itemId, AuditActions.RequestItemReopened, (item, why) =>
        {
            if (string.IsNullOrEmpty(why) || why.Length > RequestItem.MaxReasonLength)
            {
                return $"Tell the client why in 1 to {RequestItem.MaxReasonLength} characters.";
            }

            if (item.Status == RequestItemStatus.Open)
            {
                return "The item is already open.";
            }

            item.Status = RequestItemStatus.Open;
            item.Reason = why;
            item.ResolvedAt = null;
            return null;
        }, reason?.Trim(), cancellationToken);

    /// <summary>
    /// A rejected document re-opens the items it fulfilled, with the rejection's reason. Called by the review workflow inside its own
    /// save, so the rejection and the re-opened item commit together.
    /// </summary>
    public static async Task ReopenForRejectedDocumentAsync(TaxGeniusDbContext db, Guid documentId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var item in await db.RequestItems.Where(i => i.DocumentId == documentId && i.Status != RequestItemStatus.Open).ToListAsync(cancellationToken))
        {
            item.Status = RequestItemStatus.Open;
            item.Reason = reason;
            item.ResolvedAt = null;
        }
    }

    private Task<RequestResult> ClientChangeAsync(Guid clientId, Guid itemId, Func<TaxGeniusDbContext, RequestItem, Task<string?>> change,
        CancellationToken cancellationToken) =>
        WithItemAsync(itemId, clientId, async (db, item, engagement) =>
        {
            if (item.Status is RequestItemStatus.Accepted)
            {
                return "The firm has already accepted this item.";
            }

            if (await change(db, item) is { } refusal)
            {
                return refusal;
            }

            item.ResolvedAt = Now;
            AdvanceWhenComplete(db, audit, engagement, Now);
            return null;
        }, cancellationToken);

    private Task<RequestResult> StaffChangeAsync(AuditActor actor, Guid itemId, string action, Func<RequestItem, string?, string?> change,
        string? reason, CancellationToken cancellationToken) =>
        WithItemAsync(itemId, null, (db, item, engagement) =>
        {
            if (change(item, reason) is { } refusal)
            {
                return Task.FromResult<string?>(refusal);
            }

            audit.Add(db, actor, action, "request_item", item.Id, engagement.ClientId, item.Description + (reason is null ? "" : $": {reason}"));
            AdvanceWhenComplete(db, audit, engagement, Now);
            return Task.FromResult<string?>(null);
        }, cancellationToken);

    /// <summary>Documents requested, and every required item satisfied: the engagement moves to Documents received by itself.</summary>
    internal static void AdvanceWhenComplete(TaxGeniusDbContext db, AuditLog audit, Engagement engagement, DateTime now)
    {
        if (engagement.Stage != EngagementStage.DocumentsRequested)
        {
            return;
        }

        var items = db.RequestItems.Local.Where(i => i.EngagementId == engagement.Id).ToList();
        if (items.Count > 0 && items.Where(i => i.Required).All(i => i.IsSatisfied))
        {
            EngagementService.RecordMove(db, audit, engagement, EngagementStage.DocumentsReceived, System, null, now);
        }
    }

    private Task<RequestResult> WithItemAsync(Guid itemId, Guid? clientId, Func<TaxGeniusDbContext, RequestItem, Engagement, Task<string?>> change,
        CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            var item = await db.RequestItems.Include(i => i.Engagement)
                .SingleOrDefaultAsync(i => i.Id == itemId && (clientId == null || i.Engagement!.ClientId == clientId), cancellationToken);
            if (item is null)
            {
                return (RequestResult.Fail("That item does not exist."), false);
            }

            // Every item of the engagement, tracked, so that the advance sees the whole checklist as it will be saved.
            await db.RequestItems.Where(i => i.EngagementId == item.EngagementId).LoadAsync(cancellationToken);
            var refusal = await change(db, item, item.Engagement!);
            return refusal is null ? (new RequestResult(true, null, item.Engagement!.Stage), true) : (new RequestResult(false, refusal, item.Engagement!.Stage), false);
        }, cancellationToken);

    private Task<RequestResult> WithEngagementAsync(Guid engagementId, Func<TaxGeniusDbContext, Engagement, Task<string?>> change,
        CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            var engagement = await db.Engagements.SingleOrDefaultAsync(e => e.Id == engagementId, cancellationToken);
            if (engagement is null)
            {
                return (RequestResult.Fail("That engagement does not exist."), false);
            }

            var refusal = await change(db, engagement);
            return refusal is null ? (new RequestResult(true, null, engagement.Stage), true) : (new RequestResult(false, refusal, engagement.Stage), false);
        }, cancellationToken);

    /// <summary>
    /// One unit of work; when the engagement's row changed under it (a card moved on the board a moment before), it is run again on
    /// fresh rows, so the item's change and the stage it leads to are decided on what is there now.
    /// </summary>
    private async Task<RequestResult> RunAsync(Func<TaxGeniusDbContext, Task<(RequestResult Result, bool Save)>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var (result, save) = await work(db);
            if (!save)
            {
                return result;
            }

            try
            {
                await stageEmails.AddAsync(db, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
            }
        }
    }

    private static IQueryable<RequestItemView> View(IQueryable<RequestItem> items) => items.AsNoTracking()
        .OrderBy(i => i.SortOrder).ThenBy(i => i.Id)
        .Select(i => new RequestItemView(i.Id, i.EngagementId, i.Kind, i.Description, i.Required, i.DueDate, i.Status, i.Reason, i.DocumentId, i.ResolvedAt));
}
