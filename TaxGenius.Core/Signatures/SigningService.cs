using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Signatures;

/// <summary>
/// Who is asking: a signed-in client for their own signer row, or the holder of a spouse's invitation link. Nothing else opens a
/// signer: another client's signer id, or another request's token, finds nothing.
/// </summary>
public sealed record SignerAccess(Guid? UserId, Guid? SignerId, string? Token)
{
    public static SignerAccess ForAccount(Guid userId, Guid signerId) => new(userId, signerId, null);
    public static SignerAccess ForInvitation(string token) => new(null, null, token);
}

/// <summary>The signer's connection, recorded as evidence: IP address and user agent.</summary>
public sealed record SignerContext(string? IpAddress, string? UserAgent);

/// <summary>Where the signer is in the flow.</summary>
public enum SigningStep
{
    Consent,
    Verify,
    Knowledge,
    Sign,
    Done,
    Locked,
    Closed,
}

public sealed record SigningView(
    Guid SignerId, Guid RequestId, string Title, SignatureDocumentKind Kind, string? Message, SignerRole Role, string SignerName,
    string SignerEmail, SigningStep Step, string? ClosedReason, bool HasAuthenticator, bool CodeSent, int CodeAttemptsLeft,
    string? KnowledgeQuestion, int KnowledgeAttemptsLeft, SignatureMethod? Method, byte[]? SignatureImage, int PageCount,
    IReadOnlyList<FieldView> Fields, IReadOnlyList<(SignerRole Role, string Name, bool Signed)> Signers, DateTime? ExpiresAt, DateTime? SignedAt);

/// <summary>
/// The signer's side, step by step as Publication 1345 asks for a remote signature: consent to sign electronically (ESIGN), a second
/// factor (authenticator or a code e-mailed to the signer), the knowledge check (three attempts, then the wet-sign fallback), the
/// document viewed, a signature adopted (typed or drawn), each field signed, then finished. Every step is recorded on the signer and in
/// the audit log; the last signer's finish completes the request.
/// </summary>
public sealed class SigningService(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    IServiceScopeFactory scopes,
    EncryptedFileStore store,
    IKnowledgeVerifier knowledge,
    SignatureCompletion completion,
    EmailQueue emails,
    PublicUrls urls,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<SigningService> logger)
{
    public const int CodeValidMinutes = 10;
    public static readonly TimeSpan CodeResendInterval = TimeSpan.FromSeconds(30);
    public const string EmailCodeMethod = "One-time code to the signer's e-mail";
    public const string AuthenticatorMethod = "Authenticator app code";
    private const string Subject = "SignatureSigner";
    private const string NotFound = "This signing link is not valid: it may have been replaced by a newer one. Use the link in the latest e-mail.";

    private DateTime Now => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>What a client has to sign now (their home page lists it): open requests they have not signed.</summary>
    public async Task<IReadOnlyList<(Guid SignerId, string Title, DateTime? ExpiresAt)>> ForClientAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SignatureSigners.AsNoTracking()
            .Where(s => s.UserId == userId && s.Status == SignerStatus.Waiting && s.Request!.Status == SignatureRequestStatus.Pending && s.Request.ExpiresAt > now)
            .OrderBy(s => s.Request!.ExpiresAt).Select(s => new { s.Id, s.Request!.Title, s.Request.ExpiresAt }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.Id, r.Title, r.ExpiresAt)).ToList();
    }

    public async Task<SigningView?> OpenAsync(SignerAccess access, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signer = await FindAsync(db, access, tracked: false, cancellationToken);
        return signer is null ? null : await ViewAsync(db, signer, cancellationToken);
    }

    /// <summary>Records the consent to sign electronically after the ESIGN disclosure was shown.</summary>
    public Task<SignatureResult> ConsentAsync(SignerAccess access, SignerContext context, CancellationToken cancellationToken = default) =>
        StepAsync(access, SigningStep.Consent, async (db, signer) =>
        {
            signer.ConsentedAt = Now;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureConsented, Subject, signer.Id, signer.Request!.ClientId, signer.Request.Title);
            await Task.CompletedTask;
            return null;
        }, cancellationToken);

    /// <summary>E-mails a 6-digit code (10 minutes, one use, 5 tries), at most one every 30 seconds.</summary>
    public Task<SignatureResult> SendCodeAsync(SignerAccess access, CancellationToken cancellationToken = default) =>
        StepAsync(access, SigningStep.Verify, async (db, signer) =>
        {
            var now = Now;
            if (signer.CodeSentAt is { } sent && now - sent < CodeResendInterval)
            {
                return $"A code was sent {(int)(now - sent).TotalSeconds} seconds ago: check your inbox (and spam folder) before asking for another.";
            }

            var code = OneTimeCodes.New();
            signer.CodeHash = CodeHash(signer.Id, code);
            signer.CodeSentAt = now;
            signer.CodeExpiresAt = now.AddMinutes(CodeValidMinutes);
            signer.CodeAttempts = 0;
            await emails.AddAsync(db, signer.Email, new SigningCodeEmail(SignatureService.FirstName(signer.Name), code, CodeValidMinutes), cancellationToken);
            return null;
        }, cancellationToken);

    /// <summary>Checks the e-mailed code, or (for a client with an authenticator) an authenticator code.</summary>
    public Task<SignatureResult> VerifyCodeAsync(SignerAccess access, string? code, SignerContext context, CancellationToken cancellationToken = default) =>
        StepAsync(access, SigningStep.Verify, async (db, signer) =>
        {
            var digits = OneTimeCodes.Digits(code);
            if (digits.Length != OneTimeCodes.Length)
            {
                return "Enter the 6-digit code.";
            }

            var now = Now;
            string? method = null;
            if (signer.CodeHash is not null && signer.CodeExpiresAt > now && signer.CodeAttempts < SignatureSigner.MaxCodeAttempts
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CodeHash(signer.Id, digits)), Encoding.ASCII.GetBytes(signer.CodeHash)))
            {
                method = EmailCodeMethod;
            }
            else if (signer.UserId is { } userId && await AuthenticatorAcceptsAsync(userId, digits))
            {
                method = AuthenticatorMethod;
            }

            if (method is null)
            {
                signer.CodeAttempts++;
                if (signer.CodeAttempts >= SignatureSigner.MaxCodeAttempts)
                {
                    signer.CodeHash = null;
                    return "That code is not right, and it was the last try for this code: ask for a new one.";
                }

                return signer.CodeHash is not null && signer.CodeExpiresAt <= now
                    ? "That code has expired: ask for a new one."
                    : "That code is not right. Check the latest e-mail and try again.";
            }

            signer.CodeHash = null;
            signer.SecondFactorMethod = method;
            signer.SecondFactorAt = now;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureSecondFactorPassed, Subject, signer.Id, signer.Request!.ClientId, method);
            return null;
        }, cancellationToken);

    /// <summary>The knowledge check: at most three attempts; the third wrong answer closes electronic signing for the request.</summary>
    public Task<SignatureResult> AnswerAsync(SignerAccess access, string? answer, SignerContext context, CancellationToken cancellationToken = default) =>
        StepAsync(access, SigningStep.Knowledge, async (db, signer) =>
        {
            if (string.IsNullOrWhiteSpace(answer))
            {
                return "Enter your answer.";
            }

            var request = signer.Request!;
            var outcome = await knowledge.CheckAsync(request, signer, answer, cancellationToken);
            if (outcome == KnowledgeOutcome.Passed)
            {
                signer.KnowledgePassedAt = Now;
                signer.KnowledgeMethod = knowledge.Method;
                audit.Add(db, Actor(signer, context), AuditActions.SignatureKnowledgePassed, Subject, signer.Id, request.ClientId, knowledge.Method);
                return null;
            }

            signer.KnowledgeAttempts++;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureKnowledgeFailed, Subject, signer.Id, request.ClientId,
                $"attempt {signer.KnowledgeAttempts} of {SignatureSigner.MaxKnowledgeAttempts}");
            var left = SignatureSigner.MaxKnowledgeAttempts - signer.KnowledgeAttempts;
            if (left > 0)
            {
                return $"That answer does not match the firm's records. {Plural.Of(left, "attempt")} left.";
            }

            signer.Status = SignerStatus.Locked;
            request.Status = SignatureRequestStatus.NeedsWetSignature;
            request.UpdatedAt = Now;
            var engagement = await db.Engagements.AsNoTracking().SingleAsync(e => e.Id == request.EngagementId, cancellationToken);
            request.Engagement = engagement;
            if (await SignatureCompletion.StaffAddressAsync(db, request, cancellationToken) is { } staff)
            {
                await emails.AddAsync(db, staff.Email, new SignatureNoticeEmail(staff.FirstName, request.Title, SignatureNotice.NeedsWetSignature,
                    urls.Absolute($"/preparer/signatures/{request.Id}"), ForStaff: true), cancellationToken);
            }

            request.Engagement = null;
            return Locked;
        }, cancellationToken, failedButSave: true);

    /// <summary>The PDF to read and sign (only once verified); the first opening is recorded as the signer's view of the document.</summary>
    public async Task<Stream?> OpenDocumentAsync(SignerAccess access, SignerContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signer = await FindAsync(db, access, tracked: true, cancellationToken);
        if (signer is null || StepOf(signer) != SigningStep.Sign)
        {
            return null;
        }

        if (signer.ViewedAt is null)
        {
            signer.ViewedAt = Now;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureDocumentViewed, Subject, signer.Id, signer.Request!.ClientId, signer.Request.Title);
            await db.SaveChangesAsync(cancellationToken);
        }

        return await store.OpenReadAsync(signer.Request!.OriginalStorageKey, cancellationToken);
    }

    /// <summary>Adopts the signature: a PNG (the typed name as drawn by the page in a signature style, or the drawing itself).</summary>
    public Task<SignatureResult> AdoptAsync(SignerAccess access, SignatureMethod method, byte[]? png, SignerContext context, CancellationToken cancellationToken = default) =>
        StepAsync(access, SigningStep.Sign, async (db, signer) =>
        {
            if (PngRefusal(png) is { } refusal)
            {
                return refusal;
            }

            if (await db.SignatureFields.AnyAsync(f => f.SignerId == signer.Id && f.SignedAt != null, cancellationToken))
            {
                return "You have started signing with your adopted signature; it cannot change now.";
            }

            signer.Method = method;
            signer.SignatureImage = png;
            signer.AdoptedAt = Now;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureAdopted, Subject, signer.Id, signer.Request!.ClientId, SignatureNames.Method(method));
            return null;
        }, cancellationToken);

    /// <summary>Signs one of the signer's own signature fields; a field signed already is refused, as is anybody else's field.</summary>
    public async Task<SignatureResult> SignFieldAsync(SignerAccess access, Guid fieldId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signer = await FindAsync(db, access, tracked: false, cancellationToken);
        if (signer is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (StepOf(signer) != SigningStep.Sign)
        {
            return SignatureResult.Fail(WrongStep(signer));
        }

        if (signer.SignatureImage is null)
        {
            return SignatureResult.Fail("Adopt your signature first: type your name or draw it.");
        }

        var field = await db.SignatureFields.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fieldId && f.RequestId == signer.RequestId, cancellationToken);
        if (field is null || field.SignerId != signer.Id || field.Kind != SignatureFieldKind.Signature)
        {
            return SignatureResult.Fail("That field is not yours to sign: each signer signs only their own fields.");
        }

        var now = Now;
        var signed = await db.SignatureFields.Where(f => f.Id == fieldId && f.SignerId == signer.Id && f.SignedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.SignedAt, now), cancellationToken);
        return signed == 0 ? SignatureResult.Fail("This field is signed already.") : SignatureResult.Ok(fieldId);
    }

    /// <summary>
    /// Finishes the signer's part once every one of their signature fields is signed: the date fields take today's date, the evidence
    /// (time, IP address, user agent, login id) is recorded, and the last signer's finish produces the signed PDF.
    /// </summary>
    public async Task<SignatureResult> FinishAsync(SignerAccess access, SignerContext context, CancellationToken cancellationToken = default)
    {
        var result = await StepAsync(access, SigningStep.Sign, async (db, signer) =>
        {
            var fields = await db.SignatureFields.Where(f => f.SignerId == signer.Id).ToListAsync(cancellationToken);
            var open = fields.Count(f => f.Kind == SignatureFieldKind.Signature && f.SignedAt is null);
            if (open > 0)
            {
                return $"Sign every field marked for you first: {open} left.";
            }

            if (signer.ViewedAt is null)
            {
                return "Open the document and read it before you finish.";
            }

            var now = Now;
            foreach (var date in fields.Where(f => f.Kind == SignatureFieldKind.Date))
            {
                date.SignedAt = now;
            }

            signer.Status = SignerStatus.Signed;
            signer.SignedAt = now;
            signer.IpAddress = Truncate(context.IpAddress, 64);
            signer.UserAgent = Truncate(context.UserAgent, 256);
            signer.LoginId = signer.UserId is { } userId
                ? $"{signer.Email} (client account {userId})"
                : $"{signer.Email} (signer invitation {signer.Id})";
            signer.Request!.UpdatedAt = now;
            audit.Add(db, Actor(signer, context), AuditActions.SignatureSigned, Subject, signer.Id, signer.Request.ClientId,
                $"{signer.Request.Title}: {SignatureNames.Role(signer.Role)}, {SignatureNames.Method(signer.Method!.Value)}");
            return null;
        }, cancellationToken);
        if (result.Succeeded && result.Id is { } signerId)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var requestId = await db.SignatureSigners.Where(s => s.Id == signerId).Select(s => s.RequestId).SingleAsync(cancellationToken);
            try
            {
                await completion.CompleteIfDoneAsync(requestId, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The signature is saved; the signed copy is made by the hourly job (SignatureReminders) instead of now.
                SignaturesLog.CompletionDeferred(logger, requestId, e.GetType().Name);
            }
        }

        return result;
    }

    public const string Locked = "That answer does not match either, and that was the third attempt. For your protection, electronic signing is closed for this document: your tax preparer will arrange for you to sign in the office or on paper.";

    private async Task<SignatureResult> StepAsync(SignerAccess access, SigningStep step, Func<TaxGeniusDbContext, SignatureSigner, Task<string?>> change,
        CancellationToken cancellationToken, bool failedButSave = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signer = await FindAsync(db, access, tracked: true, cancellationToken);
        if (signer is null)
        {
            return SignatureResult.Fail(NotFound);
        }

        if (StepOf(signer) != step)
        {
            return SignatureResult.Fail(WrongStep(signer));
        }

        var error = await change(db, signer);
        if (error is null || failedButSave || step == SigningStep.Verify)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return error is null ? SignatureResult.Ok(signer.Id) : SignatureResult.Fail(error);
    }

    private async Task<SignatureSigner?> FindAsync(TaxGeniusDbContext db, SignerAccess access, bool tracked, CancellationToken cancellationToken)
    {
        IQueryable<SignatureSigner> query = db.SignatureSigners.Include(s => s.Request);
        if (!tracked)
        {
            query = query.AsNoTracking();
        }

        SignatureSigner? signer;
        if (access.Token is { Length: > 0 and <= 128 } token)
        {
            var hash = SecretHash.Of(token);
            signer = await query.SingleOrDefaultAsync(s => s.InvitationTokenHash == hash && s.UserId == null, cancellationToken);
        }
        else if (access is { UserId: { } userId, SignerId: { } signerId })
        {
            signer = await query.SingleOrDefaultAsync(s => s.Id == signerId && s.UserId == userId, cancellationToken);
        }
        else
        {
            return null;
        }

        // A draft is invisible to signers.
        return signer is null || signer.Request!.Status == SignatureRequestStatus.Draft ? null : signer;
    }

    private SigningStep StepOf(SignatureSigner signer)
    {
        var request = signer.Request!;
        if (signer.Status == SignerStatus.Signed)
        {
            return SigningStep.Done;
        }

        if (signer.Status == SignerStatus.Locked)
        {
            return SigningStep.Locked;
        }

        if (request.Status != SignatureRequestStatus.Pending || request.ExpiresAt <= Now)
        {
            return SigningStep.Closed;
        }

        if (signer.ConsentedAt is null)
        {
            return SigningStep.Consent;
        }

        if (signer.SecondFactorAt is null)
        {
            return SigningStep.Verify;
        }

        return request.KnowledgeQuestion is not null && signer.KnowledgePassedAt is null ? SigningStep.Knowledge : SigningStep.Sign;
    }

    private string WrongStep(SignatureSigner signer) => StepOf(signer) switch
    {
        SigningStep.Done => "You have signed this document already.",
        SigningStep.Locked => Locked,
        SigningStep.Closed => ClosedReason(signer.Request!),
        _ => "That step is not open yet: follow the steps in order.",
    };

    private string ClosedReason(SignatureRequest request) => request.Status switch
    {
        SignatureRequestStatus.Completed => "Everyone has signed this document.",
        SignatureRequestStatus.Voided => "Your tax preparer withdrew this request. You do not need to do anything.",
        SignatureRequestStatus.NeedsWetSignature => "Electronic signing is closed for this document: your tax preparer will arrange a signature in the office or on paper.",
        _ => "This request has expired. Ask your tax preparer to send it again.",
    };

    private async Task<SigningView> ViewAsync(TaxGeniusDbContext db, SignatureSigner signer, CancellationToken cancellationToken)
    {
        var request = signer.Request!;
        var step = StepOf(signer);
        var fields = await db.SignatureFields.AsNoTracking().Where(f => f.SignerId == signer.Id).OrderBy(f => f.Page).ThenBy(f => f.Y).ToListAsync(cancellationToken);
        var signers = (await db.SignatureSigners.AsNoTracking().Where(s => s.RequestId == request.Id)
            .Select(s => new { s.Role, s.Name, s.Status }).ToListAsync(cancellationToken)).OrderBy(s => s.Role).ToList();
        var hasAuthenticator = signer.UserId is { } userId && await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, cancellationToken);
        return new SigningView(signer.Id, request.Id, request.Title, request.Kind, request.Message, signer.Role, signer.Name, signer.Email, step,
            step is SigningStep.Closed or SigningStep.Locked ? (step == SigningStep.Locked ? Locked : ClosedReason(request)) : null,
            hasAuthenticator, signer.CodeHash is not null, SignatureSigner.MaxCodeAttempts - signer.CodeAttempts, request.KnowledgeQuestion,
            SignatureSigner.MaxKnowledgeAttempts - signer.KnowledgeAttempts, signer.Method, signer.SignatureImage, request.PageCount,
            fields.Select(FieldView.From).ToList(), signers.Select(s => (s.Role, s.Name, s.Status == SignerStatus.Signed)).ToList(), request.ExpiresAt, signer.SignedAt);
    }

    private async Task<bool> AuthenticatorAcceptsAsync(Guid userId, string code)
    {
        using var scope = scopes.CreateScope();
        var users = scope.ServiceProvider.GetService<UserManager<ApplicationUser>>();
        if (users is null || await users.FindByIdAsync(userId.ToString()) is not { TwoFactorEnabled: true } user)
        {
            return false;
        }

        return await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code);
    }

    private static AuditActor Actor(SignatureSigner signer, SignerContext context) =>
        new(signer.UserId ?? Guid.Empty, signer.Email, Truncate(context.IpAddress, 64), UserAgent: Truncate(context.UserAgent, 256));

    private static string CodeHash(Guid signerId, string code) => SecretHash.Of($"{signerId:N}:{code}");

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } v && v.Length > max ? v[..max] : value;

    /// <summary>A PNG of sensible size: signature, header and dimensions checked; anything else is refused before it is stored.</summary>
    internal static string? PngRefusal(byte[]? png)
    {
        if (png is null || png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "The signature could not be read. Draw or type it again.";
        }

        if (png.Length > SignatureSigner.MaxSignatureImageBytes)
        {
            return "The signature image is too large. Draw it again with fewer strokes.";
        }

        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4));
        return width is < 40 or > 3000 || height is < 10 or > 1500 ? "The signature image has an unusual size. Draw or type it again." : null;
    }
}
