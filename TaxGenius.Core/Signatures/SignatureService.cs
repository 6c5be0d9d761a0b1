using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Signatures;

/// <summary>
/// The firm's side of e-signature: a preparer uploads a PDF on an engagement (a draft with default fields), places the fields, sends it
/// (the engagement moves to Awaiting signature and each signer gets their link), and can void, re-send or file a wet-signed copy.
/// Completion (stamping and the certificate) is <see cref="SignatureCompletion"/>'s.
/// </summary>
public sealed class SignatureService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    IOptions<DocumentStoreOptions> storeOptions,
    SignatureCompletion completion,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<SignatureService> logger)
{
    public const int MaxExpiryDays = 90;
    public const int DefaultExpiryDays = 14;
    private const string Subject = "SignatureRequest";
    private const string NotFound = "That signature request does not exist.";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    public long MaxFileBytes => storeOptions.Value.MaxFileBytes;

    /// <summary>
    /// Stores the PDF (encrypted, unchanged from here on) and creates a draft with the client as taxpayer, the spouse when named, and
    /// the default fields for the kind of document. Nothing is stored when the input is refused.
    /// </summary>
    public async Task<SignatureResult> CreateDraftAsync(AuditActor actor, Guid engagementId, SignatureDraftInput input, Stream pdf,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pdf);
        if (Validate(input) is { } refusal)
        {
            return SignatureResult.Fail(refusal);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var engagement = await db.Engagements.AsNoTracking().Where(e => e.Id == engagementId)
            .Select(e => new
            {
                e.Id, e.ClientId, e.Stage, e.Client!.Email, e.Client.DeactivatedAt,
                Name = e.Client.Profile != null ? e.Client.Profile.FirstName + " " + e.Client.Profile.LastName : null,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (engagement is null)
        {
            return SignatureResult.Fail("That engagement does not exist.");
        }

        if (engagement.Email is null || engagement.DeactivatedAt is not null)
        {
            return SignatureResult.Fail("The client's account is deactivated or has no e-mail address: it cannot sign.");
        }

        if (engagement.Stage is EngagementStage.Filed or EngagementStage.Done)
        {
            return SignatureResult.Fail("This return is already filed: start a signature request on an open engagement.");
        }

        if (input.SpouseEmail is { } spouseEmail && string.Equals(spouseEmail.Trim(), engagement.Email, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureResult.Fail("The spouse needs their own e-mail address: each signer verifies and signs separately.");
        }

        // Read the whole file (at most the store's limit) to check it is a PDF we can stamp, then store it.
        byte[] bytes;
        try
        {
            bytes = await ReadAllAsync(pdf, MaxFileBytes, cancellationToken);
        }
        catch (StoredFileTooLargeException)
        {
            return SignatureResult.Fail(ClientDocumentService.TooLargeMessage(MaxFileBytes, null));
        }

        if (bytes.Length == 0)
        {
            return SignatureResult.Fail("This file is empty (0 bytes). Export the PDF from your tax software again.");
        }

        if (!bytes.AsSpan().StartsWith("%PDF-"u8) || SignedPdfWriter.CountPages(bytes) is not { } pages || pages == 0)
        {
            return SignatureResult.Fail("This is not a PDF that can be signed (it may be damaged or protected by a password). Export an unprotected PDF and try again.");
        }

        StoredFile stored;
        try
        {
            stored = await store.WriteAsync(new MemoryStream(bytes, writable: false), MaxFileBytes,
                new DocumentContentInspector(kind => kind == DocumentFileKind.Pdf ? null : "Only PDF files can be sent for signature."), cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return SignatureResult.Fail(ClientDocumentService.StorageUnavailableMessage);
        }
        catch (DocumentRejectedException rejected)
        {
            return SignatureResult.Fail(rejected.Message);
        }

        var now = Now;
        var request = new SignatureRequest
        {
            EngagementId = engagement.Id,
            ClientId = engagement.ClientId,
            Kind = input.Kind,
            Title = input.Title!.Trim(),
            Message = string.IsNullOrWhiteSpace(input.Message) ? null : input.Message.Trim(),
            OriginalFileName = DocumentFileName.Clean(input.FileName).Name ?? "document.pdf",
            OriginalStorageKey = stored.StorageKey,
            OriginalSha256 = stored.Sha256,
            OriginalSize = stored.Size,
            PageCount = pages,
            KnowledgeQuestion = string.IsNullOrWhiteSpace(input.KnowledgeQuestion) ? null : input.KnowledgeQuestion.Trim(),
            ExpiresAt = now.AddDays(input.ExpiresInDays),
            CreatedById = actor.UserId,
            CreatedByEmail = actor.Email,
        };
        request.Id = Guid.CreateVersion7();
        if (request.KnowledgeQuestion is not null)
        {
            request.KnowledgeAnswerHash = FirmKnowledgeVerifier.Hash(request.Id, FirmKnowledgeVerifier.Normalize(input.KnowledgeAnswer));
        }

        var taxpayer = new SignatureSigner
        {
            Id = Guid.CreateVersion7(), Role = SignerRole.Taxpayer, UserId = engagement.ClientId, Email = engagement.Email,
            Name = string.IsNullOrWhiteSpace(engagement.Name) ? engagement.Email : engagement.Name.Trim(),
        };
        request.Signers.Add(taxpayer);
        if (!string.IsNullOrWhiteSpace(input.SpouseName))
        {
            request.Signers.Add(new SignatureSigner
            {
                Id = Guid.CreateVersion7(), Role = SignerRole.Spouse, Name = input.SpouseName.Trim(), Email = input.SpouseEmail!.Trim(),
            });
        }

        foreach (var field in SignatureDefaults.For(request.Kind, pages, request.Signers.Select(s => (s.Id, s.Role))))
        {
            request.Fields.Add(new SignatureField
            {
                SignerId = field.SignerId, Kind = field.Kind, Page = field.Page, X = field.X, Y = field.Y, Width = field.Width, Height = field.Height,
            });
        }

        db.SignatureRequests.Add(request);
        audit.Add(db, actor, AuditActions.SignatureRequestCreated, Subject, request.Id, request.ClientId, $"{request.Title} ({Plural.Of(pages, "page")})");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            await store.TryDeleteAsync(stored.StorageKey);
            throw;
        }

        SignaturesLog.Drafted(logger, request.Id, engagement.Id, pages);
        return SignatureResult.Ok(request.Id);
    }

    /// <summary>Replaces a draft's fields with the ones placed on the page. Every signer needs at least one signature field.</summary>
    public async Task<SignatureResult> SetFieldsAsync(AuditActor actor, Guid requestId, IReadOnlyList<SignatureFieldInput> fields,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.Include(r => r.Signers).Include(r => r.Fields).AsSplitQuery()
            .SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (request.Status != SignatureRequestStatus.Draft)
        {
            return SignatureResult.Fail("The request was sent: its fields can no longer move. Void it and start a new one to change them.");
        }

        if (FieldsRefusal(request, fields) is { } refusal)
        {
            return SignatureResult.Fail(refusal);
        }

        db.SignatureFields.RemoveRange(request.Fields);
        foreach (var f in fields)
        {
            db.SignatureFields.Add(new SignatureField
            {
                RequestId = request.Id, SignerId = f.SignerId, Kind = f.Kind, Page = f.Page, X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
            });
        }

        request.UpdatedAt = Now;
        await db.SaveChangesAsync(cancellationToken);
        return SignatureResult.Ok(request.Id);
    }

    /// <summary>
    /// Sends a draft: each signer gets their link (the client's leads to their portal; the spouse's is an invitation of their own), and
    /// the engagement moves to Awaiting signature in the same transaction.
    /// </summary>
    public async Task<SignatureResult> SendAsync(AuditActor actor, Guid requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.Include(r => r.Signers).Include(r => r.Fields).Include(r => r.Engagement)
            .AsSplitQuery().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (request.Status != SignatureRequestStatus.Draft)
        {
            return SignatureResult.Fail("This request was sent already.");
        }

        if (FieldsRefusal(request, request.Fields.Select(f => new SignatureFieldInput(f.SignerId, f.Kind, f.Page, f.X, f.Y, f.Width, f.Height)).ToList()) is { } refusal)
        {
            return SignatureResult.Fail(refusal);
        }

        var now = Now;
        var days = Math.Max(1, (int)Math.Round(((request.ExpiresAt ?? now.AddDays(DefaultExpiryDays)) - request.CreatedAt).TotalDays));
        request.Status = SignatureRequestStatus.Pending;
        request.SentAt = now;
        request.ExpiresAt = now.AddDays(days);
        await InviteAsync(db, request, reminder: 0, cancellationToken);
        MoveEngagement(db, audit, request.Engagement!, EngagementStage.AwaitingSignature, actor, now);
        audit.Add(db, actor, AuditActions.SignatureRequestSent, Subject, request.Id, request.ClientId,
            $"{request.Title}: {string.Join(", ", request.Signers.Select(s => SignatureNames.Role(s.Role)))}");
        await db.SaveChangesAsync(cancellationToken);
        return SignatureResult.Ok(request.Id);
    }

    /// <summary>Sends the links again (a spouse's old link stops working) and gives the request its full time again; also revives an expired one.</summary>
    public async Task<SignatureResult> ResendAsync(AuditActor actor, Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.Include(r => r.Signers).Include(r => r.Engagement).SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (request.Status is not (SignatureRequestStatus.Pending or SignatureRequestStatus.Expired))
        {
            return SignatureResult.Fail($"A request that is {SignatureNames.Status(request.Status).ToLowerInvariant()} cannot be re-sent.");
        }

        var now = Now;
        var days = request.SentAt is { } sent && request.ExpiresAt is { } expires ? Math.Max(1, (int)Math.Round((expires - sent).TotalDays)) : DefaultExpiryDays;
        request.Status = SignatureRequestStatus.Pending;
        request.SentAt = now;
        request.ExpiresAt = now.AddDays(days);
        request.RemindersSent = 0;
        request.LastRemindedAt = null;
        await InviteAsync(db, request, reminder: 0, cancellationToken);
        if (request.Engagement!.Stage != EngagementStage.AwaitingSignature && request.Engagement.Stage is not (EngagementStage.OnHold or EngagementStage.Done))
        {
            MoveEngagement(db, audit, request.Engagement, EngagementStage.AwaitingSignature, actor, now);
        }

        audit.Add(db, actor, AuditActions.SignatureRequestResent, Subject, request.Id, request.ClientId, request.Title);
        await db.SaveChangesAsync(cancellationToken);
        return SignatureResult.Ok(request.Id);
    }

    /// <summary>Withdraws a request that is not signed: its links stop working, signers are told, the reason is audited.</summary>
    public async Task<SignatureResult> VoidAsync(AuditActor actor, Guid requestId, string? reason, CancellationToken cancellationToken = default)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return SignatureResult.Fail("Say why the request is voided: the audit log keeps the reason.");
        }

        if (trimmed.Length > SignatureRequest.MaxVoidReasonLength)
        {
            return SignatureResult.Fail($"Keep the reason under {SignatureRequest.MaxVoidReasonLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.Include(r => r.Signers).SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (request.Status is SignatureRequestStatus.Completed or SignatureRequestStatus.Voided)
        {
            return SignatureResult.Fail(request.Status == SignatureRequestStatus.Completed
                ? "This document is signed: a signed document cannot be voided."
                : "This request is voided already.");
        }

        var wasSent = request.Status != SignatureRequestStatus.Draft;
        request.Status = SignatureRequestStatus.Voided;
        request.VoidedAt = Now;
        request.VoidReason = trimmed;
        request.VoidedByEmail = actor.Email;
        foreach (var signer in request.Signers)
        {
            signer.InvitationTokenHash = null;
            signer.CodeHash = null;
            if (wasSent && signer.Status != SignerStatus.Signed)
            {
                await emails.AddAsync(db, signer.Email, new SignatureNoticeEmail(FirstName(signer.Name), request.Title, SignatureNotice.Voided,
                    urls.Absolute(signer.Role == SignerRole.Taxpayer ? "/client" : "/"), ForStaff: false), cancellationToken);
            }
        }

        audit.Add(db, actor, AuditActions.SignatureRequestVoided, Subject, request.Id, request.ClientId, $"{request.Title}: {trimmed}");
        await db.SaveChangesAsync(cancellationToken);
        return SignatureResult.Ok(request.Id);
    }

    /// <summary>
    /// The fallback when electronic signing is not possible (failed verification, a client who prefers paper): the preparer uploads the
    /// wet-signed scan; it is filed as the signed document, the request completes as wet-signed and the return moves to Ready to file.
    /// </summary>
    public async Task<SignatureResult> FileWetSignedAsync(AuditActor actor, Guid requestId, string? fileName, Stream pdf, CancellationToken cancellationToken = default)
    {
        await using var check = await dbFactory.CreateDbContextAsync(cancellationToken);
        var status = await check.SignatureRequests.Where(r => r.Id == requestId).Select(r => (SignatureRequestStatus?)r.Status).SingleOrDefaultAsync(cancellationToken);
        if (status is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (status is not (SignatureRequestStatus.Pending or SignatureRequestStatus.NeedsWetSignature or SignatureRequestStatus.Expired))
        {
            return SignatureResult.Fail($"A request that is {SignatureNames.Status(status.Value).ToLowerInvariant()} takes no wet-signed copy.");
        }

        StoredFile stored;
        try
        {
            stored = await store.WriteAsync(pdf, MaxFileBytes,
                new DocumentContentInspector(kind => kind == DocumentFileKind.Pdf ? null : "Upload the wet-signed copy as a PDF scan."), cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return SignatureResult.Fail(ClientDocumentService.StorageUnavailableMessage);
        }
        catch (DocumentRejectedException rejected)
        {
            return SignatureResult.Fail(rejected.Message);
        }
        catch (StoredFileTooLargeException)
        {
            return SignatureResult.Fail(ClientDocumentService.TooLargeMessage(MaxFileBytes, null));
        }

        var filed = await completion.FileAsync(actor, requestId, stored, DocumentFileName.Clean(fileName).Name ?? "signed.pdf", wetSigned: true, cancellationToken);
        if (!filed)
        {
            await store.TryDeleteAsync(stored.StorageKey);
            return SignatureResult.Fail("The request changed a moment ago (signed, voided): reload the page.");
        }

        return SignatureResult.Ok(requestId);
    }

    public async Task<SignatureRequestView?> DetailAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.AsNoTracking().Include(r => r.Signers).Include(r => r.Fields).Include(r => r.Engagement)
            .AsSplitQuery().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        return request is null ? null : await ViewAsync(db, request, cancellationToken);
    }

    /// <summary>An engagement's requests, newest first.</summary>
    public async Task<IReadOnlyList<SignatureRequestView>> ForEngagementAsync(Guid engagementId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var requests = await db.SignatureRequests.AsNoTracking().Include(r => r.Signers).Include(r => r.Fields).Include(r => r.Engagement)
            .Where(r => r.EngagementId == engagementId).OrderByDescending(r => r.CreatedAt).AsSplitQuery().ToListAsync(cancellationToken);
        var views = new List<SignatureRequestView>(requests.Count);
        foreach (var request in requests)
        {
            views.Add(await ViewAsync(db, request, cancellationToken));
        }

        return views;
    }

    /// <summary>The original PDF as uploaded (for placing fields), decrypted on the fly; every opening by staff is audited.</summary>
    public async Task<Stream?> OpenOriginalAsync(AuditActor actor, Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.Where(r => r.Id == requestId).Select(r => new { r.OriginalStorageKey, r.ClientId })
            .SingleOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            return null;
        }

        await audit.WriteAsync(actor, AuditActions.SignatureOriginalViewed, Subject, requestId, request.ClientId, cancellationToken: cancellationToken);
        return await store.OpenReadAsync(request.OriginalStorageKey, cancellationToken);
    }

    private static readonly Keyset<SignatureRequest> ListKeyset = new(r => r.CreatedAt, r => r.Id, PageOrder.Descending);

    /// <summary>The signatures list, newest first, keyset-paged, by filter and client search.</summary>
    public async Task<Page<SignatureListRow>> ListAsync(SignatureListFilter filter, string? search, PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.SignatureRequests.AsNoTracking();
        query = filter switch
        {
            SignatureListFilter.Pending => query.Where(r => r.Status == SignatureRequestStatus.Pending),
            SignatureListFilter.Signed => query.Where(r => r.Status == SignatureRequestStatus.Completed),
            SignatureListFilter.Expired => query.Where(r => r.Status == SignatureRequestStatus.Expired),
            SignatureListFilter.FailedVerification => query.Where(r => r.Status == SignatureRequestStatus.NeedsWetSignature),
            SignatureListFilter.Voided => query.Where(r => r.Status == SignatureRequestStatus.Voided),
            SignatureListFilter.Draft => query.Where(r => r.Status == SignatureRequestStatus.Draft),
            _ => query,
        };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(r => db.Users.Where(u => u.Id == r.ClientId).Any(UserSearch.Matches(term)) || r.Title.Contains(term));
        }

        var rows = await ListKeyset.PageAsync(query, page, q => q.Select(r => new
        {
            r.Id, r.EngagementId, r.Title, r.Kind, r.Status, r.CreatedAt, r.ExpiresAt, r.Engagement!.TaxYear,
            Email = r.Engagement.Client!.Email,
            Name = r.Engagement.Client.Profile != null ? r.Engagement.Client.Profile.FirstName + " " + r.Engagement.Client.Profile.LastName : null,
            Signers = r.Signers.Select(s => new { s.Role, s.Name, s.Status }).ToList(),
        }), r => new PageCursor(r.CreatedAt, r.Id), cancellationToken);
        return new Page<SignatureListRow>(rows.Rows.Select(r => new SignatureListRow(r.Id, r.EngagementId,
                string.IsNullOrWhiteSpace(r.Name) ? r.Email ?? "Unknown" : r.Name.Trim(), r.TaxYear, r.Title, r.Kind, r.Status, r.CreatedAt, r.ExpiresAt,
                r.Signers.OrderBy(s => s.Role).Select(s => (s.Role, s.Name, s.Status)).ToList())).ToList(),
            rows.HasPrevious, rows.HasNext, rows.First, rows.Last);
    }

    /// <summary>For board cards awaiting signature: who has signed the engagement's open request so far.</summary>
    public async Task<IReadOnlyDictionary<Guid, SignatureProgress>> ProgressAsync(IReadOnlyCollection<Guid> engagementIds, CancellationToken cancellationToken = default)
    {
        if (engagementIds.Count == 0)
        {
            return new Dictionary<Guid, SignatureProgress>();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SignatureSigners.AsNoTracking()
            .Where(s => engagementIds.Contains(s.Request!.EngagementId) && (s.Request.Status == SignatureRequestStatus.Pending || s.Request.Status == SignatureRequestStatus.NeedsWetSignature))
            .Select(s => new { s.Request!.EngagementId, s.Role, s.Status })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.EngagementId).ToDictionary(g => g.Key,
            g => new SignatureProgress(g.Key, g.OrderBy(r => r.Role).Select(r => (r.Role, r.Status == SignerStatus.Signed)).ToList()));
    }

    /// <summary>Re-reads the stored original and the signed copy and compares their SHA-256 with what the certificate recorded.</summary>
    public async Task<SignatureCheck?> CheckAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.SignatureRequests.AsNoTracking().Where(r => r.Id == requestId)
            .Select(r => new { r.OriginalStorageKey, r.OriginalSha256, r.SignedSha256, r.Status, SignedKey = db.Documents.Where(d => d.Id == r.SignedDocumentId).Select(d => d.StorageKey).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            return null;
        }

        var original = await HashOfStoredAsync(request.OriginalStorageKey, cancellationToken);
        var originalMatches = original == request.OriginalSha256;
        var signedMatches = request.SignedKey is not null && request.SignedSha256 is not null
            && await HashOfStoredAsync(request.SignedKey, cancellationToken) == request.SignedSha256;
        var summary = (originalMatches, signedMatches) switch
        {
            (true, true) => "The original and the signed copy are exactly the files recorded on the certificate.",
            (false, _) => "The stored original no longer matches the SHA-256 on the certificate: it has been altered or damaged.",
            _ => request.Status == SignatureRequestStatus.Completed
                ? "The signed copy no longer matches the SHA-256 recorded when it was signed: it has been altered or damaged."
                : "The request is not signed yet.",
        };
        return new SignatureCheck(originalMatches, signedMatches, summary);
    }

    private async Task<string?> HashOfStoredAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(key, cancellationToken);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
        catch (Exception e) when (e is StoredFileCorruptException or BlobNotFoundException or StorageUnavailableException or IOException or CryptographicException)
        {
            return null;
        }
    }

    internal static void MoveEngagement(TaxGeniusDbContext db, AuditLog auditLog, Engagement engagement, EngagementStage to, AuditActor actor, DateTime now)
    {
        if (engagement.Stage == to || engagement.Stage is EngagementStage.Done or EngagementStage.Filed)
        {
            return;
        }

        if (engagement.Stage == EngagementStage.OnHold)
        {
            // Held by someone for a reason: the signature does not take it off hold; it resumes into the new stage.
            engagement.StageBeforeHold = to;
            return;
        }

        EngagementService.RecordMove(db, auditLog, engagement, to, actor, null, now);
    }

    private async Task InviteAsync(TaxGeniusDbContext db, SignatureRequest request, int reminder, CancellationToken cancellationToken)
    {
        foreach (var signer in request.Signers.Where(s => s.Status == SignerStatus.Waiting))
        {
            await emails.AddAsync(db, signer.Email, new SignatureRequestEmail(FirstName(signer.Name), request.Title, request.Message, reminder,
                request.ExpiresAt, NewLink(signer, urls)), cancellationToken);
        }
    }

    /// <summary>
    /// The signer's link: the client's signing page (they sign in first), or for a spouse a new invitation whose secret is stored
    /// only hashed, so every e-mail that carries one replaces the link of the one before.
    /// </summary>
    internal static string NewLink(SignatureSigner signer, PublicUrls urls)
    {
        if (signer.UserId is not null)
        {
            return urls.Absolute($"/client/signatures/{signer.Id}");
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        signer.InvitationTokenHash = SecretHash.Of(token);
        return urls.Absolute($"/sign/{token}");
    }

    internal static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "there";

    private static string? Validate(SignatureDraftInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
        {
            return "Give the document a title the client recognizes, e.g. \"Form 8879 for 2025\".";
        }

        if (input.Title.Trim().Length > SignatureRequest.MaxTitleLength)
        {
            return $"Keep the title under {SignatureRequest.MaxTitleLength} characters.";
        }

        if (input.Message is { Length: > SignatureRequest.MaxMessageLength })
        {
            return $"Keep the message under {SignatureRequest.MaxMessageLength} characters.";
        }

        if (input.ExpiresInDays is < 1 or > MaxExpiryDays)
        {
            return $"The request can stay open between 1 and {MaxExpiryDays} days.";
        }

        var hasQuestion = !string.IsNullOrWhiteSpace(input.KnowledgeQuestion);
        if (input.Kind == SignatureDocumentKind.Form8879 && !hasQuestion)
        {
            return "Form 8879 signed remotely needs a knowledge check: ask something only the taxpayer knows from your records, e.g. last year's AGI.";
        }

        if (hasQuestion && input.KnowledgeQuestion!.Trim().Length > SignatureRequest.MaxQuestionLength)
        {
            return $"Keep the question under {SignatureRequest.MaxQuestionLength} characters.";
        }

        if (hasQuestion && FirmKnowledgeVerifier.Normalize(input.KnowledgeAnswer).Length == 0)
        {
            return "Enter the answer to the knowledge question, as it is in your records.";
        }

        var spouseName = !string.IsNullOrWhiteSpace(input.SpouseName);
        var spouseEmail = !string.IsNullOrWhiteSpace(input.SpouseEmail);
        if (spouseName != spouseEmail)
        {
            return spouseName ? "Enter the spouse's e-mail address: their signing link goes there." : "Enter the spouse's name as it appears on the return.";
        }

        if (spouseName && input.SpouseName!.Trim().Length > SignatureSigner.MaxNameLength)
        {
            return $"Keep the spouse's name under {SignatureSigner.MaxNameLength} characters.";
        }

        if (spouseEmail && !EmailAddresses.IsValid(input.SpouseEmail!.Trim()))
        {
            return "Enter the spouse's e-mail address in the form name@example.com.";
        }

        return null;
    }

    private static string? FieldsRefusal(SignatureRequest request, IReadOnlyList<SignatureFieldInput> fields)
    {
        if (fields.Count > 40)
        {
            return "That is more fields than a signature request takes (40).";
        }

        foreach (var f in fields)
        {
            if (request.Signers.All(s => s.Id != f.SignerId))
            {
                return "A field belongs to someone who is not a signer of this request.";
            }

            if (f.Page < 1 || f.Page > request.PageCount)
            {
                return $"A field is on page {f.Page}, but the document has {request.PageCount} pages.";
            }

            if (!(f.X >= 0 && f.Y >= 0 && f.Width > 0.01 && f.Height > 0.005 && f.X + f.Width <= 1.0001 && f.Y + f.Height <= 1.0001))
            {
                return "A field is outside its page: place it again inside the page.";
            }
        }

        var missing = request.Signers.FirstOrDefault(s => !fields.Any(f => f.SignerId == s.Id && f.Kind == SignatureFieldKind.Signature));
        return missing is null ? null : $"Place a signature field for {missing.Name} ({SignatureNames.Role(missing.Role).ToLowerInvariant()}).";
    }

    private static async Task<SignatureRequestView> ViewAsync(TaxGeniusDbContext db, SignatureRequest r, CancellationToken cancellationToken)
    {
        // The client and the colleague who created the request, in one round trip: each by profile name when they have one.
        var people = await db.Users.AsNoTracking().Where(u => u.Id == r.ClientId || u.Id == r.CreatedById)
            .Select(u => new { u.Id, u.Email, Name = u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : null })
            .ToDictionaryAsync(u => u.Id, cancellationToken);
        string? NameOf(Guid id) => people.TryGetValue(id, out var person) && !string.IsNullOrWhiteSpace(person.Name) ? person.Name.Trim() : null;
        var name = NameOf(r.ClientId) ?? (people.TryGetValue(r.ClientId, out var client) ? client.Email : null) ?? "Unknown";
        return new SignatureRequestView(r.Id, r.EngagementId, r.ClientId, name, r.Engagement?.TaxYear ?? 0, r.Kind, r.Title, r.Message, r.Status,
            r.OriginalFileName, r.PageCount, r.KnowledgeQuestion, r.CreatedAt, r.SentAt, r.ExpiresAt, r.CompletedAt, r.SignedDocumentId, r.WetSigned,
            r.VoidReason, r.CreatedByEmail, r.Signers.OrderBy(s => s.Role).Select(SignerView.From).ToList(),
            r.Fields.OrderBy(f => f.Page).ThenBy(f => f.Y).Select(FieldView.From).ToList(), NameOf(r.CreatedById));
    }

    internal static async Task<byte[]> ReadAllAsync(Stream source, long max, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > max)
            {
                throw new StoredFileTooLargeException(max);
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }
}
