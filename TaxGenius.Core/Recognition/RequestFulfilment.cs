using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
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
        if (recognition is not { Status: RecognitionStatus.Done, Kind: { } kind, Document: { } document }
            || recognition.Confidence < RecognitionSuggestion.MinConfidence || RequestKindOf(kind) is not { } requestKind
            || RecognitionSuggestion.Disagrees(document.Type, document.TaxYear, kind, recognition.TaxYear)
            || await db.RequestItems.AnyAsync(i => i.DocumentId == documentId, cancellationToken))
        {
            return null;
        }

        var open = await db.RequestItems.Include(i => i.Engagement)
            .Where(i => i.Engagement!.ClientId == document.UserId && i.Engagement.TaxYear == document.TaxYear && i.Kind == requestKind
                && i.Status == RequestItemStatus.Open)
            .OrderBy(i => i.SortOrder).ToListAsync(cancellationToken);
        var name = fields.Read(recognition).FirstOrDefault(f => f.Key is "employer_name" or "payer_name" or "lender_name")?.Value;
        var item = open.FirstOrDefault(i => name is not null && NamesMatch(i.Description, name)) ?? (open.Count == 1 ? open[0] : null);
        if (item is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        await db.RequestItems.Where(i => i.EngagementId == item.EngagementId).LoadAsync(cancellationToken);
        DocumentRequestService.Fulfil(db, audit, item, documentId, now);
        recognition.FulfilledRequestItemId = item.Id;
        audit.Add(db, DocumentRequestService.System, AuditActions.RequestItemRecognized, nameof(RequestItem), item.Id, document.UserId,
            $"{item.Description} ← {document.FileName}");
        // The last line fulfilled moves the return on: its milestone e-mail goes with the same save, as after an upload into the line.
        await stageEmails.AddAsync(db, cancellationToken);
        return item.Id;
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
