using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// A recognized document fulfils the requested item it answers, by itself: same engagement (the document's tax year), an open item of
/// the same kind, and (when several are open) the one whose description names the employer or payer read from the form ("W-2 from
/// Acme Corp" ← a W-2 whose box c says "ACME CORP."). Only when recognition agrees with the type and year the client chose, and is
/// sure enough; never an item the client or a preparer already settled.
/// </summary>
public sealed class RequestFulfilment(IDbContextFactory<TaxGeniusDbContext> dbFactory, RecognitionFields fields, AuditLog audit,
    ReturnStageEmails stageEmails, TimeProvider timeProvider)
{
    /// <summary>The item fulfilled, or null (its own transaction: after the client accepted a suggestion).</summary>
    public async Task<Guid?> TryFulfilAsync(Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var recognition = await db.DocumentRecognitions.Include(r => r.Document)
            .SingleOrDefaultAsync(r => r.DocumentId == documentId, cancellationToken);
        if (recognition is null || await AddAsync(db, recognition, cancellationToken) is not { } item)
        {
            return null;
        }

        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    /// <summary>
    /// Adds, in <paramref name="db"/> (not saved), the fulfilment of the item <paramref name="recognition"/> answers, if any: the
    /// recognition job calls it before its save, so the reading and the fulfilled item commit together.
    /// </summary>
    public async Task<Guid?> AddAsync(TaxGeniusDbContext db, DocumentRecognition recognition, CancellationToken cancellationToken = default)
    {
        var documentId = recognition.DocumentId;
        if (Answers(recognition) is not { } requestKind || await db.RequestItems.AnyAsync(i => i.DocumentId == documentId, cancellationToken))
        {
            return null;
        }

        var document = recognition.Document!;
        var open = await db.RequestItems.Include(i => i.Engagement)
            .Where(i => i.Engagement!.ClientId == document.UserId && i.Engagement.TaxYear == document.TaxYear && i.Kind == requestKind
                && i.Status == RequestItemStatus.Open)
            .OrderBy(i => i.SortOrder).ToListAsync(cancellationToken);
        if (Pick(open, recognition) is not { } item)
        {
            return null;
        }

        await db.RequestItems.Where(i => i.EngagementId == item.EngagementId).LoadAsync(cancellationToken);
        Record(db, recognition, item);
        // The last line fulfilled moves the return on: its milestone e-mail goes with the same save, as after an upload into the line.
        await stageEmails.AddAsync(db, cancellationToken);
        return item.Id;
    }

    /// <summary>
    /// Items just asked for (<paramref name="added"/>, in <paramref name="db"/>, not saved) that the client has already sent: each
    /// recognized document of the engagement's client and year that is in no line yet (and was not sent back) fulfils the new item it
    /// answers, by the same rules as at upload. The caller saves, with the milestone e-mail if the checklist is now complete.
    /// </summary>
    public async Task<IReadOnlyList<RequestItem>> AddForNewItemsAsync(TaxGeniusDbContext db, Engagement engagement, IReadOnlyList<RequestItem> added,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        ArgumentNullException.ThrowIfNull(added);
        var sent = await db.DocumentRecognitions.Include(r => r.Document)
            .Where(r => r.Status == RecognitionStatus.Done && r.Document!.UserId == engagement.ClientId && r.Document.TaxYear == engagement.TaxYear
                && r.Document.Status != DocumentStatus.Rejected && !db.RequestItems.Any(i => i.DocumentId == r.DocumentId))
            .OrderBy(r => r.Document!.CreatedAt).ThenBy(r => r.DocumentId).ToListAsync(cancellationToken);
        var fulfilled = new List<RequestItem>();
        if (sent.Count == 0)
        {
            return fulfilled;
        }

        // Every item of the engagement tracked: the advance to Documents received looks at the whole checklist.
        await db.RequestItems.Where(i => i.EngagementId == engagement.Id).LoadAsync(cancellationToken);
        foreach (var recognition in sent)
        {
            if (Answers(recognition) is { } kind
                && Pick([.. added.Where(i => i.Kind == kind && i.Status == RequestItemStatus.Open)], recognition) is { } item)
            {
                item.Engagement ??= engagement;
                Record(db, recognition, item);
                fulfilled.Add(item);
            }
        }

        return fulfilled;
    }

    /// <summary>The kind of item a recognition answers: read, sure enough, and agreeing with the type and year the client chose.</summary>
    private static RequestKind? Answers(DocumentRecognition recognition) =>
        recognition is { Status: RecognitionStatus.Done, Kind: { } kind, Document: { } document }
            && recognition.Confidence >= RecognitionSuggestion.MinConfidence
            && !RecognitionSuggestion.Disagrees(document.Type, document.TaxYear, kind, recognition.TaxYear)
            ? RequestKindOf(kind)
            : null;

    /// <summary>Of the open items of its kind, the one whose description names the employer or payer read, else the only one.</summary>
    private RequestItem? Pick(IReadOnlyList<RequestItem> open, DocumentRecognition recognition)
    {
        if (open.Count == 0)
        {
            return null; // nothing to choose from: the boxes are not decrypted for nothing
        }

        var name = fields.Read(recognition).FirstOrDefault(f => f.Key is "employer_name" or "payer_name" or "lender_name")?.Value;
        return open.FirstOrDefault(i => name is not null && NamesMatch(i.Description, name)) ?? (open.Count == 1 ? open[0] : null);
    }

    private void Record(TaxGeniusDbContext db, DocumentRecognition recognition, RequestItem item)
    {
        var document = recognition.Document!;
        DocumentRequestService.Fulfil(db, audit, item, document.Id, timeProvider.GetUtcNow().UtcDateTime);
        recognition.FulfilledRequestItemId = item.Id;
        audit.Add(db, DocumentRequestService.System, AuditActions.RequestItemRecognized, nameof(RequestItem), item.Id, document.UserId,
            $"{item.Description} ← {document.FileName}");
    }

    public static RequestKind? RequestKindOf(FormKind kind) => kind switch
    {
        FormKind.W2 => RequestKind.W2,
        FormKind.Form1099Int => RequestKind.Form1099Int,
        FormKind.Form1099Div => RequestKind.Form1099Div,
        FormKind.Form1099B => RequestKind.Form1099B,
        FormKind.Form1099Nec => RequestKind.Form1099Nec,
        FormKind.Form1099Misc => RequestKind.Form1099Misc,
        FormKind.Form1099R => RequestKind.Form1099R,
        FormKind.Form1098 => RequestKind.Form1098,
        FormKind.Form1095A => RequestKind.Form1095A,
        FormKind.PhotoId => RequestKind.PhotoId,
        FormKind.Form1040 => RequestKind.PriorReturn,
        _ => null,
    };

    /// <summary>
    /// Whether an item's description names the company: every distinctive word of the company's name (not "inc", "llc", "the", …)
    /// appears in the description, ignoring case and punctuation; at least one such word.
    /// </summary>
    public static bool NamesMatch(string description, string company)
    {
        var said = Words(description).ToHashSet(StringComparer.Ordinal);
        var name = Words(company).Where(w => !Filler.Contains(w)).ToList();
        return name.Count > 0 && name.All(said.Contains);
    }

    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "inc", "llc", "llp", "ltd", "co", "corp", "corporation", "company", "the", "of", "and", "na", "n", "a", "plc", "group", "holdings",
    };

    private static IEnumerable<string> Words(string text) =>
        new string([.. text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
