using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

/// <summary>What a client (or a page) sees of a document.</summary>
public sealed record DocumentView(
    Guid Id,
    DocumentType Type,
    string FileName,
    long FileSize,
    string ContentType,
    DocumentStatus Status,
    int TaxYear,
    string? RejectionReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    Guid? ReplacesDocumentId,
    Guid? ReplacedById,
    string Sha256)
{
    /// <summary>What recognition suggests changing (the owner's list fills it in), or null.</summary>
    public Recognition.RecognitionSuggestion? Suggestion { get; init; }

    /// <summary>
    /// The owner's earlier upload of the very same file (same SHA-256), while this copy is PENDING and they have not chosen to keep
    /// both (the owner's list and the upload fill it in). It comes before any other advice: recognition's suggestion and the retake
    /// advice wait until the copy is kept.
    /// </summary>
    public DuplicateUpload? Duplicate { get; init; }

    /// <summary>Whether the document is still waiting to be read (the owner's list fills it in).</summary>
    public bool BeingRead { get; init; }

    /// <summary>
    /// OCR could read little of this photo or scan (blurred, dark) and missed what it is or its boxes: the owner is asked for a
    /// sharper one, while nobody has started on it and unless they chose to keep it (the owner's list fills it in).
    /// </summary>
    public bool RetakeSuggested { get; init; }

    /// <summary>Whether the owner is asked something about it: a copy to remove, a suggested type or year, a sharper photo.</summary>
    public bool AsksOwner => Duplicate is not null || Suggestion is not null || RetakeSuggested;

    /// <summary>"photo" for an image, "scan" for a PDF: how the owner is told which one to take again.</summary>
    public string PictureWord => Kind == DocumentFileKind.Pdf ? "scan" : "photo";

    public bool CanDelete => Status == DocumentStatus.Pending;
    public bool CanReplace => Status == DocumentStatus.Rejected && ReplacedById is null;

    /// <summary>The kind the content was found to be when it was uploaded.</summary>
    public DocumentFileKind Kind => DocumentFileKinds.FromContentType(ContentType) ?? DocumentFileKind.Pdf;

    internal static DocumentView From(Document d, Guid? replacedBy) => new(d.Id, d.Type, d.FileName, d.FileSize, d.ContentType, d.Status,
        d.TaxYear, d.RejectionReason, d.CreatedAt, d.UpdatedAt, d.ReplacesDocumentId, replacedBy, d.Sha256);
}

/// <summary>
/// The earlier upload a copy repeats, as its owner knows it: its name, when it came, where it stands and, when the firm sent it back,
/// why (a client who uploads the rejected file again has not fixed what the preparer asked for).
/// </summary>
public sealed record DuplicateUpload(Guid DocumentId, string FileName, DateTime UploadedAt, DocumentStatus Status, string? RejectionReason);

/// <summary>An upload: its name, kind and year; optionally the rejected document it replaces or the requested item it answers.</summary>
public sealed record UploadRequest(string? FileName, DocumentType Type, int TaxYear, Guid? ReplacesDocumentId = null, Guid? RequestItemId = null);

public enum UploadFailure
{
    None,
    Invalid,
    TooLarge,
    UnsupportedContent,
    NotFound,

    /// <summary>The document store did not answer: nothing was saved, try again later.</summary>
    StorageUnavailable,
}

public sealed record UploadResult(DocumentView? Document, UploadFailure Failure, string? Error)
{
    public bool Succeeded => Document is not null;
    internal static UploadResult Fail(UploadFailure failure, string error) => new(null, failure, error);
}

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    NotPending,
}

/// <summary>A decrypted document ready to send: the caller disposes <see cref="Content"/>.</summary>
public sealed record DocumentContent(DocumentView Document, string DownloadName, Stream Content)
{
    /// <summary>
    /// Opens <paramref name="document"/>'s file, decrypting as it is read, under a download name with its real extension; null
    /// when the store has no file for it.
    /// </summary>
    internal static async Task<DocumentContent?> OpenAsync(EncryptedFileStore store, Document document, CancellationToken cancellationToken)
    {
        Stream content;
        try
        {
            content = await store.OpenReadAsync(document.StorageKey, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }

        var view = DocumentView.From(document, null);
        return new DocumentContent(view, DocumentFileName.ForDownload(document.FileName, view.Kind), content);
    }
}

/// <summary>
/// A client's own documents: upload (checked by content, encrypted, streamed), list, download, delete while PENDING, replace
/// when REJECTED. Every method takes the signed-in client's id and only ever reaches that client's rows: another client's
/// document is simply not found.
/// </summary>
public sealed class ClientDocumentService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    IOptions<DocumentStoreOptions> options,
    AuditLog audit,
    ReturnStageEmails stageEmails,
    Recognition.RecognitionSignal recognition,
    IOptions<Recognition.RecognitionOptions> recognitionOptions,
    Recognition.RequestFulfilment fulfilment,
    Live.LiveChannel live,
    TimeProvider timeProvider,
    ILogger<ClientDocumentService> logger)
{
    private const int SaveAttempts = 3;

    public long MaxFileBytes => options.Value.MaxFileBytes;

    public Task<IReadOnlyList<DocumentView>> ListAsync(Guid userId, CancellationToken cancellationToken = default) =>
        ViewsAsync(userId, documentId: null, cancellationToken);

    /// <summary>How many of the owner's uploads ask them something (<see cref="DocumentView.AsksOwner"/>): their home page says so.</summary>
    public async Task<int> CountAskingOwnerAsync(Guid userId, CancellationToken cancellationToken = default) =>
        (await ListAsync(userId, cancellationToken)).Count(d => d.AsksOwner);

    /// <summary>One of the owner's documents as the list shows it (suggestion included), or null when it is not theirs or not there.</summary>
    public async Task<DocumentView?> FindAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default) =>
        (await ViewsAsync(userId, documentId, cancellationToken)).SingleOrDefault();

    /// <summary>The owner's documents, newest first (or only <paramref name="documentId"/>), with what recognition suggests about each.</summary>
    private async Task<IReadOnlyList<DocumentView>> ViewsAsync(Guid userId, Guid? documentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = db.Documents.AsNoTracking().Where(d => d.UserId == userId);
        if (documentId is { } id)
        {
            mine = mine.Where(d => d.Id == id);
        }

        var rows = await mine
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Select(d => new
            {
                Document = d,
                ReplacedBy = db.Documents.Where(r => r.ReplacesDocumentId == d.Id).Select(r => (Guid?)r.Id).FirstOrDefault(),
                Recognition = db.DocumentRecognitions.Where(r => r.DocumentId == d.Id)
                    .Select(r => new Recognition.DocumentRecognition
                    {
                        DocumentId = r.DocumentId, Status = r.Status, Kind = r.Kind, Confidence = r.Confidence, TaxYear = r.TaxYear,
                        SuggestionDismissedAt = r.SuggestionDismissedAt, Illegible = r.Illegible,
                    })
                    .FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var years = TaxYears.Selectable(timeProvider);
        var duplicates = await EarlierUploadsAsync(db, userId, [.. rows.Select(r => r.Document)], cancellationToken);
        return rows.Select(r =>
        {
            // Only while nobody has started on it: once the firm works on a document, the firm decides what it is. A copy of an
            // earlier upload is asked about that first: whether to keep it at all comes before what it is.
            var duplicate = duplicates.GetValueOrDefault(r.Document.Id);
            var pending = r.Document.Status == DocumentStatus.Pending && duplicate is null;
            var suggestion = pending ? Recognition.RecognitionSuggestion.For(r.Document.Type, r.Document.TaxYear, r.Recognition, years) : null;
            return DocumentView.From(r.Document, r.ReplacedBy) with
            {
                Duplicate = duplicate,
                Suggestion = suggestion,
                BeingRead = r.Recognition?.Status == Recognition.RecognitionStatus.Queued,
                RetakeSuggested = pending && suggestion is null
                    && r.Recognition is { Illegible: true, SuggestionDismissedAt: null, Status: Recognition.RecognitionStatus.Done or Recognition.RecognitionStatus.Unreadable },
            };
        }).ToList();
    }

    /// <summary>
    /// For each of <paramref name="documents"/> that is PENDING and not kept as a copy, the owner's earliest other upload of the same
    /// bytes (by SHA-256), if any: one query over the owner's documents with those hashes. Two copies uploaded at once are ordered
    /// by their ids, so exactly one of them is the original.
    /// </summary>
    private static async Task<Dictionary<Guid, DuplicateUpload>> EarlierUploadsAsync(TaxGeniusDbContext db, Guid userId,
        IReadOnlyCollection<Document> documents, CancellationToken cancellationToken)
    {
        var copies = documents.Where(d => d.Status == DocumentStatus.Pending && d.DuplicateKeptAt is null).ToList();
        if (copies.Count == 0)
        {
            return [];
        }

        var hashes = copies.Select(d => d.Sha256).Distinct().ToList();
        var sameBytes = await db.Documents.AsNoTracking().Where(d => d.UserId == userId && hashes.Contains(d.Sha256))
            .Select(d => new { d.Id, d.Sha256, d.FileName, d.CreatedAt, d.Status, d.RejectionReason })
            .ToListAsync(cancellationToken);
        var earlier = new Dictionary<Guid, DuplicateUpload>();
        foreach (var copy in copies)
        {
            var first = sameBytes
                .Where(d => d.Sha256 == copy.Sha256 && (d.CreatedAt, d.Id).CompareTo((copy.CreatedAt, copy.Id)) < 0)
                .MinBy(d => (d.CreatedAt, d.Id));
            if (first is not null)
            {
                earlier[copy.Id] = new DuplicateUpload(first.Id, first.FileName, first.CreatedAt, first.Status, first.RejectionReason);
            }
        }

        return earlier;
    }

    /// <summary>
    /// The owner keeps a copy of an earlier upload (two pages of one statement can be the same scan on purpose): it is not asked
    /// about again. False when it is not theirs or not there.
    /// </summary>
    public async Task<bool> KeepDuplicateAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        // One statement: the first choice's time stands (kept twice is still kept then), and no row means not theirs.
        return await db.Documents.Where(d => d.Id == documentId && d.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DuplicateKeptAt, d => d.DuplicateKeptAt ?? now), cancellationToken) > 0;
    }

    /// <summary>Why a document was not filed again when there is no such document (or, for a client, it is not theirs).</summary>
    public const string GoneRefusal = "That document no longer exists.";

    /// <summary>
    /// The owner accepts recognition's suggestion: the document's type and year become the suggested ones (the engagement for the new
    /// year is opened when there is none), while it is still PENDING. Then, as after any recognition, it may fulfil a requested item.
    /// The same engagement opened a moment before by a parallel upload or acceptance (its client and year are unique), or the
    /// document changed meanwhile, is retried on fresh rows, which answer anew.
    /// </summary>
    public Task<string?> AcceptSuggestionAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default) =>
        RefileAsync(new Audit.AuditActor(userId, null, null), documentId, ownerId: userId, cancellationToken);

    /// <summary>
    /// A preparer or admin files the document as recognition read it, while it is open (PENDING or PROCESSING), even when the client
    /// kept their choice: a 1099-INT filed as a W-2 no longer has to be sent back for the client to upload again. The client's open
    /// page is told, and the change is audited under the staff member's name.
    /// </summary>
    public Task<string?> RefileAsStaffAsync(Audit.AuditActor staff, Guid documentId, CancellationToken cancellationToken = default) =>
        RefileAsync(staff, documentId, ownerId: null, cancellationToken);

    private async Task<string?> RefileAsync(Audit.AuditActor actor, Guid documentId, Guid? ownerId, CancellationToken cancellationToken)
    {
        Guid owner;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (refusal, documentOwner) = await TryRefileAsync(actor, documentId, ownerId, cancellationToken);
                if (refusal is not null)
                {
                    return refusal;
                }

                owner = documentOwner;
                break;
            }
            catch (DbUpdateException) when (attempt < SaveAttempts)
            {
            }
        }

        // The client's open pages are told: of a preparer's change, and of their own made elsewhere (another tab, the API).
        var fulfilled = await fulfilment.TryFulfilAsync(documentId, cancellationToken);
        await live.SendToUserAsync(owner, Live.LiveEventNames.Recognition,
            new Recognition.DocumentRecognized(documentId, owner, Recognition.RecognitionStatus.Done, fulfilled), CancellationToken.None);
        return null;
    }

    /// <summary>
    /// Why <paramref name="staff"/> may not file <paramref name="document"/> again, or null when they may: while it is open, and, as for
    /// its status, once claimed only by the preparer on it or an admin. The review page offers the button on the same rule.
    /// </summary>
    public static string? StaffRefileRefusal(Document document, Audit.AuditActor staff) =>
        !QueueFilter.OpenStatuses.Contains(document.Status)
            ? $"This document is {DocumentStateMachine.Name(document.Status)}: only an open document can be filed again."
            : document.Status == DocumentStatus.Processing && document.AssignedToId is { } assignee && assignee != staff.UserId && !staff.IsAdmin
                ? "Another preparer has claimed this document; ask them, or an admin, to file it again."
                : null;

    /// <summary>One attempt on fresh rows: no refusal when the new type and year were saved, else why they were not.</summary>
    private async Task<(string? Refusal, Guid Owner)> TryRefileAsync(Audit.AuditActor actor, Guid documentId, Guid? ownerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && (ownerId == null || d.UserId == ownerId), cancellationToken);
        var recognition = await db.DocumentRecognitions.SingleOrDefaultAsync(r => r.DocumentId == documentId, cancellationToken);
        if (document is null)
        {
            return (GoneRefusal, default);
        }

        var staff = ownerId is null;
        var refusal = staff ? StaffRefileRefusal(document, actor)
            : document.Status != DocumentStatus.Pending ? "The firm has already started on this document; tell them in a message if its type or year is wrong."
            : null;
        if (refusal is not null)
        {
            return (refusal, default);
        }

        if (Recognition.RecognitionSuggestion.For(document.Type, document.TaxYear, recognition, TaxYears.Selectable(timeProvider), evenIfDismissed: staff)
            is not { } suggestion)
        {
            return ("There is nothing to change any more.", default);
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        document.Type = suggestion.SuggestedType;
        document.TaxYear = suggestion.SuggestedYear;
        await OpenEngagementIfMissingAsync(db, document.UserId, document.TaxYear, now, cancellationToken);

        // A requested item this document answered under its old type or year no longer fits: it is open again.
        foreach (var item in await db.RequestItems.Where(i => i.DocumentId == documentId && i.Status == RequestItemStatus.Fulfilled).ToListAsync(cancellationToken))
        {
            item.Status = RequestItemStatus.Open;
            item.DocumentId = null;
            item.ResolvedAt = null;
            recognition!.FulfilledRequestItemId = null;
        }

        recognition!.NeedsCheck = Recognition.RecognitionSuggestion.NeedsCheck(document.Type, document.TaxYear, recognition);
        audit.Add(db, actor, Audit.AuditActions.DocumentRecategorized, nameof(Document), document.Id, document.UserId,
            $"{suggestion.ChosenType.DisplayName()} {suggestion.ChosenYear} → {suggestion.SuggestedType.DisplayName()} {suggestion.SuggestedYear} (recognized)");
        await db.SaveChangesAsync(cancellationToken);
        return (null, document.UserId);
    }

    /// <summary>The owner keeps the type and year they chose, or the photo they took: the suggestion or the advice is not shown again.</summary>
    public async Task DismissSuggestionAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.DocumentRecognitions.Where(r => r.DocumentId == documentId && r.Document!.UserId == userId && r.SuggestionDismissedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.SuggestionDismissedAt, timeProvider.GetUtcNow().UtcDateTime), cancellationToken);
    }

    /// <summary>
    /// A cheap fingerprint of the client's documents (how many, and the latest change): an open page compares it after the live
    /// channel was away, and reloads its list only when something changed meanwhile.
    /// </summary>
    public async Task<string> GetVersionAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = db.Documents.Where(d => d.UserId == userId);
        var count = await mine.CountAsync(cancellationToken);
        var latest = count == 0 ? default : await mine.MaxAsync(d => d.UpdatedAt, cancellationToken);
        var read = await db.DocumentRecognitions.Where(r => r.Document!.UserId == userId).MaxAsync(r => (DateTime?)r.UpdatedAt, cancellationToken);
        return $"{count}:{latest.Ticks}:{read?.Ticks}";
    }

    /// <summary>
    /// Checks the request, streams <paramref name="content"/> through the content inspector into the encrypted store, then adds the
    /// row. A refused or interrupted upload leaves no file and no row; a row is never added without its file.
    /// </summary>
    public async Task<UploadResult> UploadAsync(Guid userId, UploadRequest request, Stream content, long? declaredLength = null,
        CancellationToken cancellationToken = default)
    {
        var (name, nameError) = DocumentFileName.Clean(request.FileName);
        if (nameError is not null)
        {
            return UploadResult.Fail(UploadFailure.Invalid, nameError);
        }

        if (!Enum.IsDefined(request.Type))
        {
            return UploadResult.Fail(UploadFailure.Invalid, "Choose what kind of document this is.");
        }

        var years = TaxYears.Selectable(timeProvider);
        if (!years.Contains(request.TaxYear))
        {
            return UploadResult.Fail(UploadFailure.Invalid, $"Choose a tax year between {years.Min()} and {years.Max()}.");
        }

        var max = options.Value.MaxFileBytes;
        if (declaredLength > max)
        {
            return UploadResult.Fail(UploadFailure.TooLarge, TooLargeMessage(max, declaredLength));
        }

        if (declaredLength == 0)
        {
            return UploadResult.Fail(UploadFailure.UnsupportedContent, "This file is empty (0 bytes). Choose the file again; if it came from a scanner or an app, save it again first.");
        }

        if (request.ReplacesDocumentId is { } replaces)
        {
            await using var check = await dbFactory.CreateDbContextAsync(cancellationToken);
            var original = await check.Documents.AsNoTracking().Where(d => d.Id == replaces && d.UserId == userId)
                .Select(d => new { d.Status, Replaced = check.Documents.Any(r => r.ReplacesDocumentId == d.Id) })
                .SingleOrDefaultAsync(cancellationToken);
            if (original is null)
            {
                return UploadResult.Fail(UploadFailure.NotFound, "The document to replace was not found.");
            }

            if (original.Status != DocumentStatus.Rejected || original.Replaced)
            {
                return UploadResult.Fail(UploadFailure.Invalid, original.Replaced
                    ? "That document has already been replaced."
                    : "Only a rejected document can be replaced.");
            }
        }

        if (request.RequestItemId is { } itemId)
        {
            await using var check = await dbFactory.CreateDbContextAsync(cancellationToken);
            var item = await check.RequestItems.AsNoTracking().Where(i => i.Id == itemId && i.Engagement!.ClientId == userId)
                .Select(i => new { i.Status, i.Engagement!.TaxYear }).SingleOrDefaultAsync(cancellationToken);
            if (item is null)
            {
                return UploadResult.Fail(UploadFailure.NotFound, "The requested item was not found.");
            }

            if (item.TaxYear != request.TaxYear)
            {
                return UploadResult.Fail(UploadFailure.Invalid, $"This item is for tax year {item.TaxYear}: upload it under {item.TaxYear}.");
            }

            if (item.Status == RequestItemStatus.Accepted)
            {
                return UploadResult.Fail(UploadFailure.Invalid, "The firm has already accepted this item; upload other documents without choosing it.");
            }
        }

        var inspector = new DocumentContentInspector(kind => DocumentFileName.CheckExtension(name!, kind));
        StoredFile stored;
        try
        {
            stored = await store.WriteAsync(content, max, inspector, cancellationToken);
        }
        catch (DocumentRejectedException rejected)
        {
            DocumentsLog.UploadRefused(logger, userId, rejected.Message);
            return UploadResult.Fail(UploadFailure.UnsupportedContent, rejected.Message);
        }
        catch (StoredFileTooLargeException)
        {
            return UploadResult.Fail(UploadFailure.TooLarge, TooLargeMessage(max, null));
        }
        catch (StorageUnavailableException e)
        {
            DocumentsLog.StoreUnavailable(logger, userId, e);
            return UploadResult.Fail(UploadFailure.StorageUnavailable, StorageUnavailableMessage);
        }

        var kind = inspector.Kind!.Value;
        var document = new Document
        {
            UserId = userId,
            Type = request.Type,
            TaxYear = request.TaxYear,
            FileName = name!,
            FileSize = stored.Size,
            ContentType = kind.ContentType(),
            Sha256 = stored.Sha256,
            StorageKey = stored.StorageKey,
            ReplacesDocumentId = request.ReplacesDocumentId,
        };

        try
        {
            await SaveAsync(userId, document, request.RequestItemId);
        }
        catch
        {
            await store.TryDeleteAsync(stored.StorageKey);
            throw;
        }

        DocumentsLog.Stored(logger, document.Id, userId, stored.Size);
        if (recognitionOptions.Value.Enabled)
        {
            // The row was saved with the document: a lost signal is picked up by the recurring sweep.
            recognition.Send(document.Id);
        }

        return new UploadResult(DocumentView.From(document, null) with
        {
            BeingRead = recognitionOptions.Value.Enabled,
            Duplicate = await EarlierUploadAsync(userId, document),
        }, UploadFailure.None, null);
    }

    /// <summary>
    /// The earlier upload a new one repeats, told in the upload's answer. The upload is stored by then: if the database does not
    /// answer this question, the answer says nothing of it (the list asks again) rather than calling a stored upload a failure.
    /// </summary>
    private async Task<DuplicateUpload?> EarlierUploadAsync(Guid userId, Document document)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            return (await EarlierUploadsAsync(db, userId, [document], CancellationToken.None)).GetValueOrDefault(document.Id);
        }
        catch (Exception e) when (DatabaseRetries.IsUnavailable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Adds the row, in one transaction with what it belongs to: the client's engagement for its tax year (created, Not started, when
    /// there is none yet) and the requested item it answers (fulfilled, and the engagement advanced when that was the last one). A
    /// card moved on the board a moment before, or the same engagement created by a parallel upload, is retried on fresh rows.
    /// </summary>
    private async Task SaveAsync(Guid userId, Document document, Guid? requestItemId)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var now = timeProvider.GetUtcNow().UtcDateTime;
            await OpenEngagementIfMissingAsync(db, userId, document.TaxYear, now, CancellationToken.None);

            db.Documents.Add(document);
            if (recognitionOptions.Value.Enabled)
            {
                db.DocumentRecognitions.Add(new Recognition.DocumentRecognition { DocumentId = document.Id, Document = document });
            }

            if (requestItemId is { } itemId
                && await db.RequestItems.Include(i => i.Engagement).SingleOrDefaultAsync(i => i.Id == itemId && i.Engagement!.ClientId == userId) is { } item
                && item.Status != RequestItemStatus.Accepted)
            {
                await db.RequestItems.Where(i => i.EngagementId == item.EngagementId).LoadAsync();
                DocumentRequestService.Fulfil(db, audit, item, document.Id, now);
            }

            await stageEmails.AddAsync(db, CancellationToken.None);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (DbUpdateException) when (attempt < SaveAttempts)
            {
            }
        }
    }

    /// <summary>Adds (not saved) the client's engagement for <paramref name="taxYear"/>, Not started, when there is none yet.</summary>
    private static async Task OpenEngagementIfMissingAsync(TaxGeniusDbContext db, Guid userId, int taxYear, DateTime now, CancellationToken cancellationToken)
    {
        if (!await db.Engagements.AnyAsync(e => e.ClientId == userId && e.TaxYear == taxYear, cancellationToken))
        {
            db.Engagements.Add(Engagement.Open(userId, taxYear, now));
        }
    }

    /// <summary>Deletes the client's own document while it is still PENDING (nobody has started on it): the row, then the file.</summary>
    public async Task<DeleteOutcome> DeleteAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.UserId == userId, cancellationToken);
        if (document is null)
        {
            return DeleteOutcome.NotFound;
        }

        if (document.Status != DocumentStatus.Pending)
        {
            return DeleteOutcome.NotPending;
        }

        db.Documents.Remove(document);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return DeleteOutcome.NotFound;
        }

        // The row is gone first: if removing the file fails, the sweeper removes the orphan later; never the other way round.
        await store.TryDeleteAsync(document.StorageKey);
        return DeleteOutcome.Deleted;
    }

    /// <summary>The client's own document, decrypted as it is read; null when it is not theirs or does not exist.</summary>
    public async Task<DocumentContent?> OpenAsync(Guid userId, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.UserId == userId, cancellationToken);
        return document is null ? null : await DocumentContent.OpenAsync(store, document, cancellationToken);
    }

    public const string StorageUnavailableMessage =
        "Document storage is not answering right now, so nothing was saved. Please try again in a few minutes.";

    public static string TooLargeMessage(long max, long? actual) =>
        actual is { } size
            ? $"This file is {FormatSize(size)}; the limit is {FormatSize(max)} per file. Split it or scan at a lower resolution."
            : $"This file is over the limit of {FormatSize(max)} per file. Split it or scan at a lower resolution.";

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };


}

/// <summary>Which tax years a document can be filed under.</summary>
public static class TaxYears
{
    /// <summary>The year whose return is being prepared: the last calendar year that has ended.</summary>
    public static int Current(TimeProvider timeProvider) => timeProvider.GetUtcNow().Year - 1;

    /// <summary>The current tax year, the calendar year under way (estimates), and the seven years before (amended returns).</summary>
    public static IReadOnlyList<int> Selectable(TimeProvider timeProvider)
    {
        var current = Current(timeProvider);
        return Enumerable.Range(current - 7, 9).Reverse().ToList();
    }
}
