using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Engagements;

/// <summary>The client's questionnaire for a year, as their page and the preparer see it.</summary>
public sealed record OrganizerView(Guid EngagementId, int TaxYear, IReadOnlyDictionary<string, bool> Answers, DateTime? CompletedAt);

/// <summary>A line of the firm's default checklist, as the template editor shows and saves it.</summary>
public sealed record TemplateLine(RequestKind Kind, string Description, bool Required, bool NewClientsOnly);

/// <summary>
/// The organizer. "Start tax year N" opens a client's engagement with its checklist rolled forward from year N−1 (one item per W-2
/// employer and 1099 payer the client had, a photo ID when none recent is on file) plus the firm's template; the client's yearly
/// questionnaire then adds or removes items as they answer, saving every answer as it is given.
/// </summary>
public sealed class OrganizerService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    DocumentRequestService requests,
    ReturnStageEmails stageEmails,
    AuditLog audit,
    TimeProvider timeProvider)
{
    /// <summary>A photo ID uploaded for one of this many recent tax years is taken as still valid; older, a new one is asked for.</summary>
    public const int PhotoIdYearsValid = 3;

    /// <summary>The firm's list when the admin has not edited it: what a 1040 needs from nearly everyone.</summary>
    public static readonly IReadOnlyList<TemplateLine> DefaultTemplate =
    [
        new(RequestKind.PhotoId, "Photo ID (driver's license or passport), front and back", true, false),
        new(RequestKind.PriorReturn, "Last year's federal and state tax returns", true, true),
        new(RequestKind.W2, "W-2 from each employer", true, false),
        new(RequestKind.Form1099Int, "1099-INT or 1099-DIV from your banks and brokers", false, false),
        new(RequestKind.Other, "Letters or notices from the IRS or your state", false, false),
    ];

    private static readonly RequestKind[] IncomeForms =
    [
        RequestKind.W2, RequestKind.Form1099Int, RequestKind.Form1099Div, RequestKind.Form1099B, RequestKind.Form1099Nec,
        RequestKind.Form1099Misc, RequestKind.Form1099R, RequestKind.Form1098, RequestKind.Form1095A,
    ];

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>The firm's template (the default until an admin saves one).</summary>
    public async Task<IReadOnlyList<TemplateLine>> TemplateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var saved = await db.RequestTemplateItems.AsNoTracking().OrderBy(t => t.SortOrder)
            .Select(t => new TemplateLine(t.Kind, t.Description, t.Required, t.NewClientsOnly)).ToListAsync(cancellationToken);
        return saved.Count > 0 ? saved : DefaultTemplate;
    }

    /// <summary>Replaces the firm's template. Returns why it was refused, or null.</summary>
    public async Task<string?> SaveTemplateAsync(AuditActor actor, IReadOnlyList<TemplateLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return "Keep at least one item on the list.";
        }

        if (lines.Any(l => string.IsNullOrWhiteSpace(l.Description) || l.Description.Trim().Length > RequestItem.MaxDescriptionLength || !Enum.IsDefined(l.Kind)))
        {
            return $"Describe each item in 1 to {RequestItem.MaxDescriptionLength} characters and choose its kind.";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync<string?>(async (transaction, ct) =>
        {
            // The old list and the new one swap in one transaction: a start of the year never sees half of each.
            await db.RequestTemplateItems.ExecuteDeleteAsync(ct);
            var order = 0;
            foreach (var line in lines)
            {
                db.RequestTemplateItems.Add(new RequestTemplateItem
                {
                    Kind = line.Kind, Description = line.Description.Trim(), Required = line.Required, NewClientsOnly = line.NewClientsOnly, SortOrder = ++order,
                });
            }

            audit.Add(db, actor, AuditActions.FirmSettingsChanged, "request_template", null, null, $"Request template: {Plural.Of(lines.Count, "item")}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// Starts <paramref name="taxYear"/> for a client: the engagement (created when needed) gets last year's forms and the template as
    /// its checklist, moves to Documents requested and the client gets the request e-mail, all in one transaction.
    /// </summary>
    public async Task<RequestResult> StartYearAsync(AuditActor actor, Guid clientId, int taxYear, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var template = await TemplateAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Users.AnyAsync(u => u.Id == clientId && u.DeactivatedAt == null, cancellationToken))
            {
                return RequestResult.Fail("That client does not exist or is deactivated.");
            }

            var engagement = await db.Engagements.SingleOrDefaultAsync(e => e.ClientId == clientId && e.TaxYear == taxYear, cancellationToken);
            if (engagement is null)
            {
                engagement = Engagement.Open(clientId, taxYear, Now);
                db.Engagements.Add(engagement);
            }
            else if (await db.RequestItems.AnyAsync(i => i.EngagementId == engagement.Id, cancellationToken))
            {
                return new RequestResult(false, $"Tax year {taxYear} is already started for this client: add items on the engagement instead.", engagement.Stage);
            }

            var items = await RolloverAsync(db, clientId, taxYear, template, cancellationToken);
            foreach (var (item, origin) in items)
            {
                await requests.AddItemsAsync(db, engagement, [item], origin, cancellationToken);
            }

            if (engagement.Stage == EngagementStage.NotStarted)
            {
                EngagementService.RecordMove(db, audit, engagement, EngagementStage.DocumentsRequested, actor, null, Now);
            }

            audit.Add(db, actor, AuditActions.TaxYearStarted, EngagementService.Subject, engagement.Id, clientId,
                $"{taxYear}: {Plural.Of(items.Count, "item")}, {items.Count(i => i.Origin == Origins.Rollover)} rolled forward from {taxYear - 1}");
            await requests.QueueRequestEmailAsync(db, engagement, items.Select(i => i.Item.Description).ToList(), cancellationToken);
            await stageEmails.AddAsync(db, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new RequestResult(true, null, engagement.Stage);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The engagement was created or moved by someone else a moment ago: decide again on what is there now.
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="taxYear"/> for every active client who had an engagement in the year before and has no checklist for
    /// this one yet. Each client is its own transaction: one refusal does not stop the rest. Returns how many were started.
    /// </summary>
    public async Task<int> StartYearForAllAsync(AuditActor actor, int taxYear, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        List<Guid> clients;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            clients = await db.Engagements.AsNoTracking()
                .Where(e => e.TaxYear == taxYear - 1 && e.Client!.DeactivatedAt == null
                    && !db.Engagements.Any(n => n.ClientId == e.ClientId && n.TaxYear == taxYear && db.RequestItems.Any(i => i.EngagementId == n.Id)))
                .OrderBy(e => e.ClientId).Select(e => e.ClientId).ToListAsync(cancellationToken);
        }

        var started = 0;
        for (var i = 0; i < clients.Count; i++)
        {
            if ((await StartYearAsync(actor, clients[i], taxYear, cancellationToken)).Succeeded)
            {
                started++;
            }

            progress?.Report((i + 1, clients.Count));
        }

        return started;
    }

    /// <summary>The client's questionnaire for a year (their own only), or null while the year is not started.</summary>
    public async Task<OrganizerView?> ForClientAsync(Guid clientId, int taxYear, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagementId = await db.Engagements.Where(e => e.ClientId == clientId && e.TaxYear == taxYear).Select(e => (Guid?)e.Id)
            .SingleOrDefaultAsync(cancellationToken);
        return engagementId is { } id ? await ViewAsync(db, id, taxYear, cancellationToken) : null;
    }

    /// <summary>An engagement's questionnaire, for staff.</summary>
    public async Task<OrganizerView?> ForEngagementAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var year = await db.Engagements.Where(e => e.Id == engagementId).Select(e => (int?)e.TaxYear).SingleOrDefaultAsync(cancellationToken);
        return year is { } y ? await ViewAsync(db, engagementId, y, cancellationToken) : null;
    }

    /// <summary>
    /// Saves one answer of the client's questionnaire (null takes it back). A "yes" adds the question's items to the checklist; a
    /// "no" removes the ones the client has not answered yet. The engagement advances when what is left is all in.
    /// </summary>
    public async Task<RequestResult> AnswerAsync(Guid clientId, int taxYear, string key, bool? answer, CancellationToken cancellationToken = default)
    {
        if (OrganizerQuestions.Find(key) is not { } question)
        {
            return RequestResult.Fail("That question does not exist.");
        }

        return await ChangeAsync(clientId, taxYear, async (db, engagement, answers) =>
        {
            if (answer is { } value)
            {
                answers[key] = value;
            }
            else
            {
                answers.Remove(key);
            }

            var origin = Origins.Question(key);
            var existing = await db.RequestItems.Where(i => i.EngagementId == engagement.Id && i.Origin == origin).ToListAsync(cancellationToken);
            if (answer == true && existing.Count == 0)
            {
                await requests.AddItemsAsync(db, engagement, question.AddsOnYes, origin, cancellationToken);
            }
            else if (answer != true)
            {
                db.RequestItems.RemoveRange(existing.Where(i => i.Status == RequestItemStatus.Open));
            }
        }, cancellationToken);
    }

    /// <summary>The client says they are done with the questionnaire (they can still change answers later).</summary>
    public Task<RequestResult> FinishAsync(Guid clientId, int taxYear, CancellationToken cancellationToken = default) =>
        ChangeAsync(clientId, taxYear, (_, _, _) => Task.CompletedTask, cancellationToken, finish: true);

    private async Task<RequestResult> ChangeAsync(Guid clientId, int taxYear,
        Func<TaxGeniusDbContext, Engagement, Dictionary<string, bool>, Task> change, CancellationToken cancellationToken, bool finish = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var engagement = await db.Engagements.SingleOrDefaultAsync(e => e.ClientId == clientId && e.TaxYear == taxYear, cancellationToken);
            if (engagement is null)
            {
                return RequestResult.Fail($"Your firm has not started tax year {taxYear} yet.");
            }

            var row = await db.OrganizerAnswers.SingleOrDefaultAsync(a => a.EngagementId == engagement.Id, cancellationToken);
            if (row is null)
            {
                row = new OrganizerAnswers { EngagementId = engagement.Id };
                db.OrganizerAnswers.Add(row);
            }

            var answers = Parse(row.AnswersJson);
            await db.RequestItems.Where(i => i.EngagementId == engagement.Id).LoadAsync(cancellationToken);
            await change(db, engagement, answers);
            row.AnswersJson = JsonSerializer.Serialize(answers);
            row.UpdatedAt = Now;
            if (finish)
            {
                row.CompletedAt ??= Now;
            }

            DocumentRequestService.AdvanceWhenComplete(db, audit, engagement, Now);
            await stageEmails.AddAsync(db, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new RequestResult(true, null, engagement.Stage);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two tabs answered at once, or the card moved: decide again on what is there now.
            }
        }
    }

    private static async Task<OrganizerView> ViewAsync(TaxGeniusDbContext db, Guid engagementId, int taxYear, CancellationToken cancellationToken)
    {
        var row = await db.OrganizerAnswers.AsNoTracking().SingleOrDefaultAsync(a => a.EngagementId == engagementId, cancellationToken);
        return new OrganizerView(engagementId, taxYear, Parse(row?.AnswersJson), row?.CompletedAt);
    }

    private static Dictionary<string, bool> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, bool>>(json) ?? [];

    /// <summary>
    /// What year N asks for: last year's income forms (one item per employer and payer, as described then, unless the client said
    /// they did not apply), a photo ID when none recent is on file, and the template's items whose kind last year did not cover.
    /// </summary>
    private static async Task<List<(NewRequestItem Item, string Origin)>> RolloverAsync(TaxGeniusDbContext db, Guid clientId, int taxYear,
        IReadOnlyList<TemplateLine> template, CancellationToken cancellationToken)
    {
        var lastYear = await db.RequestItems.AsNoTracking()
            .Where(i => i.Engagement!.ClientId == clientId && i.Engagement.TaxYear == taxYear - 1 && i.Status != RequestItemStatus.NotApplicable
                && IncomeForms.Contains(i.Kind))
            .OrderBy(i => i.SortOrder)
            .Select(i => new { i.Kind, i.Description, i.Required })
            .ToListAsync(cancellationToken);
        var rolled = lastYear.DistinctBy(i => (i.Kind, i.Description.ToUpperInvariant()))
            .Select(i => (new NewRequestItem(i.Kind, i.Description, i.Required), Origins.Rollover)).ToList();

        var returning = await db.Engagements.AnyAsync(e => e.ClientId == clientId && e.TaxYear < taxYear, cancellationToken);
        var recentId = await db.Documents.AnyAsync(d => d.UserId == clientId && d.Type == DocumentType.Id && d.TaxYear > taxYear - PhotoIdYearsValid
            && d.Status != DocumentStatus.Rejected, cancellationToken);
        var covered = rolled.Select(r => r.Item1.Kind).ToHashSet();
        var fromTemplate = template
            .Where(t => !(t.NewClientsOnly && returning))
            .Where(t => !(t.Kind == RequestKind.PhotoId && recentId))
            .Where(t => !covered.Contains(t.Kind))
            .Select(t => (new NewRequestItem(t.Kind, t.Description, t.Required), Origins.Template));

        // The photo ID first (it is quick), then last year's forms in their order, then the rest of the template.
        var all = fromTemplate.ToList();
        var photo = all.Where(a => a.Item1.Kind == RequestKind.PhotoId).ToList();
        return [.. photo, .. rolled, .. all.Except(photo)];
    }
}
