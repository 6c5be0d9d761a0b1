using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Signatures;

/// <summary>
/// Finishes a request once: stamps every signature and date onto a copy of the original, appends the certificate page, stores the
/// result as a COMPLETED document of the client and moves the return to Ready to file, in one transaction that only one finisher wins
/// (two signers finishing at the same moment produce one signed copy). The wet-signed fallback files through the same path.
/// </summary>
public sealed class SignatureCompletion(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    EncryptedFileStore store,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<SignatureCompletion> logger)
{
    private static readonly AuditActor System = new(Guid.Empty, "system", null);

    /// <summary>Completes the request when every signer has signed; false when someone still has to sign or it was completed already.</summary>
    public async Task<bool> CompleteIfDoneAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        SignatureRequest? request;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            request = await db.SignatureRequests.AsNoTracking().Include(r => r.Signers).Include(r => r.Fields).AsSplitQuery()
                .SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        }

        if (request is not { Status: SignatureRequestStatus.Pending } || request.Signers.Any(s => s.Status != SignerStatus.Signed))
        {
            return false;
        }

        byte[] original;
        await using (var stream = await store.OpenReadAsync(request.OriginalStorageKey, cancellationToken))
        {
            original = await SignatureService.ReadAllAsync(stream, long.MaxValue, cancellationToken);
        }

        if (Convert.ToHexStringLower(SHA256.HashData(original)) != request.OriginalSha256)
        {
            // Never sign over a file that is not the one the signers were shown.
            SignaturesLog.OriginalAltered(logger, request.Id);
            return false;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var signers = request.Signers.ToDictionary(s => s.Id);
        var stamped = SignedPdfWriter.Stamp(original, request.Fields.Select(f => new StampedField(f.Page, f.X, f.Y, f.Width, f.Height,
            f.Kind == SignatureFieldKind.Signature ? signers[f.SignerId].SignatureImage : null,
            f.Kind == SignatureFieldKind.Date ? (signers[f.SignerId].SignedAt ?? now).ToString("MM/dd/yyyy", CultureInfo.InvariantCulture) : null)).ToList());
        var certificate = new CertificateContent(request.Title, request.Id, request.OriginalFileName, request.OriginalSha256,
            Convert.ToHexStringLower(SHA256.HashData(stamped)), now,
            request.Signers.OrderBy(s => s.Role).Select(s => new CertificateSigner(SignatureNames.Role(s.Role), s.Name, s.Email, s.LoginId ?? s.Email,
                s.IpAddress, s.UserAgent, Verification(s, request), s.Method is { } m ? SignatureNames.Method(m) : "not recorded",
                s.ConsentedAt ?? now, s.ViewedAt, s.SignedAt ?? now)).ToList());
        var signed = SignedPdfWriter.AppendCertificate(stamped, certificate);
        var stored = await store.WriteAsync(new MemoryStream(signed, writable: false), long.MaxValue, null, cancellationToken);
        var name = Path.GetFileNameWithoutExtension(request.OriginalFileName) + " (signed).pdf";
        if (!await FileAsync(System, request.Id, stored, name, wetSigned: false, cancellationToken))
        {
            await store.TryDeleteAsync(stored.StorageKey);
            return false;
        }

        SignaturesLog.Completed(logger, request.Id, request.Signers.Count);
        return true;
    }

    /// <summary>
    /// Files <paramref name="stored"/> as the signed document and closes the request (from Pending; a wet-signed copy also from Needs wet
    /// signature or Expired). False when the request was completed, voided or is not in a state that takes it.
    /// </summary>
    internal async Task<bool> FileAsync(AuditActor actor, Guid requestId, StoredFile stored, string fileName, bool wetSigned, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            var from = wetSigned
                ? new[] { SignatureRequestStatus.Pending, SignatureRequestStatus.NeedsWetSignature, SignatureRequestStatus.Expired }
                : [SignatureRequestStatus.Pending];
            // The claim: only one finisher moves the row out of its open state.
            var claimed = await db.SignatureRequests.Where(r => r.Id == requestId && from.Contains(r.Status))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, SignatureRequestStatus.Completed), ct);
            if (claimed == 0)
            {
                return false;
            }

            var request = await db.SignatureRequests.Include(r => r.Signers).Include(r => r.Engagement).SingleAsync(r => r.Id == requestId, ct);
            var document = new Document
            {
                UserId = request.ClientId,
                Type = DocumentType.Other,
                TaxYear = request.Engagement!.TaxYear,
                FileName = fileName,
                FileSize = stored.Size,
                ContentType = DocumentFileKind.Pdf.ContentType(),
                Sha256 = stored.Sha256,
                StorageKey = stored.StorageKey,
                Status = DocumentStatus.Completed,
            };
            db.Documents.Add(document);
            await db.SaveChangesAsync(ct);

            request.CompletedAt = now;
            request.SignedDocumentId = document.Id;
            request.SignedSha256 = stored.Sha256;
            request.WetSigned = wetSigned;
            // The spouse's link keeps working after the end, for the "you signed" page only: no step, no document behind it.
            foreach (var signer in request.Signers)
            {
                signer.CodeHash = null;
            }

            SignatureService.MoveEngagement(db, audit, request.Engagement, EngagementStage.ReadyToFile, actor, now);
            audit.Add(db, actor, AuditActions.SignatureRequestCompleted, "SignatureRequest", request.Id, request.ClientId,
                $"{request.Title}: {(wetSigned ? "wet-signed copy filed" : "signed electronically")}; SHA-256 {stored.Sha256}");
            foreach (var signer in request.Signers)
            {
                await emails.AddAsync(db, signer.Email, new SignatureNoticeEmail(SignatureService.FirstName(signer.Name), request.Title, SignatureNotice.Signed,
                    urls.Absolute(signer.Role == SignerRole.Taxpayer ? "/client/documents" : "/"), ForStaff: false), ct);
            }

            if (await StaffAddressAsync(db, request, ct) is { } staff)
            {
                await emails.AddAsync(db, staff.Email, new SignatureNoticeEmail(staff.FirstName, request.Title, SignatureNotice.Signed,
                    urls.Absolute($"/preparer/signatures/{request.Id}"), ForStaff: true), ct);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>The engagement's preparer, else whoever sent the request.</summary>
    internal static async Task<(string Email, string FirstName)?> StaffAddressAsync(TaxGeniusDbContext db, SignatureRequest request, CancellationToken cancellationToken)
    {
        var staff = await EmailRecipient.FindAsync(db, request.Engagement?.PreparerId ?? request.CreatedById, cancellationToken);
        return staff is null ? null : (staff.Email, staff.Greeting);
    }

    private static string Verification(SignatureSigner s, SignatureRequest request)
    {
        var parts = new List<string>();
        if (s.SecondFactorMethod is { } factor)
        {
            parts.Add($"{factor}: passed {SignedPdfWriter.FormatUtc(s.SecondFactorAt!.Value)}");
        }

        if (request.KnowledgeQuestion is not null)
        {
            parts.Add(s.KnowledgePassedAt is { } passed
                ? $"{s.KnowledgeMethod}: passed {SignedPdfWriter.FormatUtc(passed)} after {Plural.Of(s.KnowledgeAttempts + 1, "attempt")}"
                : "knowledge check: not passed");
        }

        return parts.Count == 0 ? "none recorded" : string.Join("; ", parts);
    }
}
