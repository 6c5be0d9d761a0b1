using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Security;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

public sealed record ClientSummary(Guid Id, string Name, string Email, string? Phone, string? MaskedSsn, bool SsnUnreadable);

public sealed record StatusChangeView(DocumentStatus? From, DocumentStatus To, string? Reason, string ActorName, DateTime At);

public sealed record NoteView(Guid Id, string Author, string Text, DateTime At);

/// <summary>The document was filed as another type or year (<paramref name="Change"/>: "W-2 2025 → 1099 2025 (recognized)"), by whom.</summary>
public sealed record RefileView(string Change, string ActorName, DateTime At);

/// <summary>Another upload of the same client with the very same bytes (same SHA-256): where it stands and when it came.</summary>
public sealed record SameFileView(Guid Id, string FileName, DocumentStatus Status, DateTime UploadedAt);

/// <summary>Everything the preparer's document page shows.</summary>
public sealed record DocumentDetail(
    DocumentView Document,
    ClientSummary Client,
    Guid? AssignedToId,
    string? AssignedToEmail,
    uint Version,
    IReadOnlyList<StatusChangeView> History,
    IReadOnlyList<NoteView> Notes,
    string? AssignedToName = null,
    IReadOnlyList<RefileView>? Refiles = null,
    IReadOnlyList<SameFileView>? SameFile = null)
{
    public DocumentFileKind Kind => Document.Kind;

    /// <summary>Who claimed it, as colleagues know them: their name, or their address when they have no profile.</summary>
    public string? Assignee => AssignedToName ?? AssignedToEmail;

    /// <summary>Browsers show PDFs, JPEGs and PNGs themselves; HEIC and TIFF are converted for the viewer (<see cref="ImagePreview"/>) up to 40 MB.</summary>
    public bool CanPreview => ImagePreview.CanShow(Kind, Document.FileSize);
}

/// <summary>
/// Staff (preparers and admins) working on any client's document: its details, its content (every access audited as viewed
/// or downloaded), internal notes (never shown to the client; audited).
/// </summary>
public sealed class StaffDocumentService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    SsnService ssn,
    AuditLog audit,
    TimeProvider timeProvider)
{
    public async Task<DocumentDetail?> GetDetailAsync(Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new
            {
                Document = d,
                ClientEmail = d.User!.Email,
                FirstName = d.User.Profile != null ? d.User.Profile.FirstName : null,
                LastName = d.User.Profile != null ? d.User.Profile.LastName : null,
                Phone = d.User.Profile != null ? d.User.Profile.Phone : null,
                AssignedToEmail = d.AssignedTo != null ? d.AssignedTo.Email : null,
                AssignedToName = d.AssignedTo != null && d.AssignedTo.Profile != null
                    ? d.AssignedTo.Profile.FirstName + " " + d.AssignedTo.Profile.LastName : null,
                ReplacedBy = db.Documents.Where(r => r.ReplacesDocumentId == d.Id).Select(r => (Guid?)r.Id).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var d = row.Document;
        var history = await db.DocumentStatusChanges.AsNoTracking().Where(c => c.DocumentId == documentId)
            .OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new StatusChangeView(c.FromStatus, c.ToStatus, c.Reason,
                c.Actor == null ? "system" : c.Actor.Profile != null ? c.Actor.Profile.FirstName + " " + c.Actor.Profile.LastName : c.Actor.Email!, c.At))
            .ToListAsync(cancellationToken);
        // Filed as another type or year: by the client accepting recognition's suggestion, or by staff (the audit log keeps who).
        var owner = d.UserId;
        var refiles = await db.AuditEntries.AsNoTracking().Where(a => a.SubjectId == documentId && a.Action == AuditActions.DocumentRecategorized)
            .OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new RefileView(a.Detail ?? "", a.ActorId == owner ? "the client"
                : db.Users.Where(u => u.Id == a.ActorId).Select(u => u.Profile != null ? u.Profile.FirstName + " " + u.Profile.LastName : u.Email!).FirstOrDefault()
                    ?? "system", a.At))
            .ToListAsync(cancellationToken);
        // The client sent these bytes more than once (and kept both, or the firm started on both): the preparer keys them once.
        var sameFile = await db.Documents.AsNoTracking().Where(o => o.UserId == owner && o.Sha256 == d.Sha256 && o.Id != d.Id)
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Take(10)
            .Select(o => new SameFileView(o.Id, o.FileName, o.Status, o.CreatedAt))
            .ToListAsync(cancellationToken);
        var notes = await db.DocumentNotes.AsNoTracking().Where(n => n.DocumentId == documentId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Select(n => new NoteView(n.Id, n.Author!.Profile != null ? n.Author.Profile.FirstName + " " + n.Author.Profile.LastName : n.Author.Email!,
                n.Text, n.CreatedAt))
            .ToListAsync(cancellationToken);

        string? masked = null;
        var unreadable = false;
        try
        {
            masked = await ssn.GetMaskedAsync(d.UserId, cancellationToken);
        }
        catch (SsnDecryptionException)
        {
            unreadable = true;
        }

        var name = $"{row.FirstName} {row.LastName}".Trim();
        var client = new ClientSummary(d.UserId, name.Length > 0 ? name : row.ClientEmail ?? "", row.ClientEmail ?? "",
            ProfileInput.FormatPhone(row.Phone), masked, unreadable);
        var view = DocumentView.From(d, row.ReplacedBy);
        return new DocumentDetail(view, client, d.AssignedToId, row.AssignedToEmail, d.Version, history, notes, row.AssignedToName, refiles, sameFile);
    }

    /// <summary>The decrypted content for a member of staff; audited as viewed (inline) or downloaded.</summary>
    public async Task<DocumentContent?> OpenAsync(AuditActor actor, Guid documentId, bool download, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null || await DocumentContent.OpenAsync(store, document, cancellationToken) is not { } content)
        {
            return null;
        }

        try
        {
            audit.Add(db, actor, download ? AuditActions.DocumentDownloaded : AuditActions.DocumentViewed, nameof(Document), document.Id, document.UserId,
                document.FileName);
            await db.SaveChangesAsync(cancellationToken);
            return content;
        }
        catch
        {
            // No access without its audit row.
            await content.Content.DisposeAsync();
            throw;
        }
    }

    /// <summary>The people a document can be assigned to (PREPARER accounts that are not locked), by e-mail.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Email)>> ListPreparersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var rows = await (from user in db.Users
                          join userRole in db.UserRoles on user.Id equals userRole.UserId
                          join role in db.Roles on userRole.RoleId equals role.Id
                          where role.Name == Identity.Roles.Preparer
                          orderby user.Email
                          select new { user.Id, user.Email, user.LockoutEnd }).ToListAsync(cancellationToken);
        return rows.Where(r => r.LockoutEnd is null || r.LockoutEnd <= now).Select(r => (r.Id, r.Email ?? "")).ToList();
    }

    /// <summary>Adds an internal note (1 to 2,000 characters); null on success, otherwise the reason.</summary>
    public async Task<string?> AddNoteAsync(AuditActor actor, Guid documentId, string? text, CancellationToken cancellationToken = default)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return "Write the note first.";
        }

        if (text.Length > DocumentNote.MaxLength)
        {
            return $"Keep notes under {DocumentNote.MaxLength} characters ({text.Length} now).";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Documents.Where(d => d.Id == documentId).Select(d => (Guid?)d.UserId).SingleOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return "That document does not exist.";
        }

        db.DocumentNotes.Add(new DocumentNote { DocumentId = documentId, AuthorId = actor.UserId, Text = text, CreatedAt = timeProvider.GetUtcNow().UtcDateTime });
        audit.Add(db, actor, AuditActions.DocumentNoteAdded, nameof(Document), documentId, owner);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }
}
