using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Signatures;
using TaxGenius.Tests.Infrastructure;
using UglyToad.PdfPig;
using static TaxGenius.Tests.Infrastructure.SignatureServices;

namespace TaxGenius.Tests.Core.Signatures;

/// <summary>
/// E-signature end to end on both databases and a real encrypted store: the taxpayer and the spouse each verify and sign, the signed
/// PDF carries the images at their fields and the certificate, and its hashes check out; the knowledge check locks after three
/// wrong answers; nobody signs for anybody else; void, re-send, reminders and expiry.
/// </summary>
public sealed class SignatureFlowTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
    private readonly List<TestStore> stores = [];

    private TestStore Files(StoreKind kind)
    {
        var store = TestStore.Create(kind);
        stores.Add(store);
        return store;
    }

    private static SignatureDraftInput Draft(SignatureDocumentKind kind = SignatureDocumentKind.Form8879, string? spouse = "Jordan Tester",
        string? question = "What was your 2024 AGI?", string? answer = "$48,100") =>
        new(kind, "Form 8879 for 2025", "8879.pdf", "Please sign today.", 14, question, answer, spouse, spouse is null ? null : "jordan@example.test");

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Taxpayer_and_spouse_sign_and_the_signed_pdf_has_the_images_at_their_fields_and_a_certificate_whose_hashes_match(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var original = SampleForms.Form8879(2025, "Casey Tester", "Jordan Tester", pages: 2);

        var created = await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream(original));
        Assert.True(created.Succeeded, created.Error);
        var draft = (await s.Requests.DetailAsync(created.Id!.Value))!;
        Assert.Equal(2, draft.PageCount);
        // Colleagues see who created it by name.
        Assert.Equal("Pat Tester", draft.CreatedBy);
        Assert.Equal(4, draft.Fields.Count);
        var taxpayer = draft.Signers.Single(x => x.Role == SignerRole.Taxpayer);
        var spouse = draft.Signers.Single(x => x.Role == SignerRole.Spouse);
        // The spouse signs on page 2 in this request: the field is placed there by the preparer.
        var fields = draft.Fields.Where(f => f.SignerId == taxpayer.Id).Select(f => new SignatureFieldInput(f.SignerId, f.Kind, f.Page, f.X, f.Y, f.Width, f.Height))
            .Append(new SignatureFieldInput(spouse.Id, SignatureFieldKind.Signature, 2, 0.5, 0.3, 0.3, 0.05))
            .Append(new SignatureFieldInput(spouse.Id, SignatureFieldKind.Date, 2, 0.5, 0.36, 0.15, 0.03)).ToList();
        Ok(await s.Requests.SetFieldsAsync(pat, draft.Id, fields));

        // A draft is invisible to signers; sending moves the return to Awaiting signature and e-mails both.
        Assert.Null(await s.Signing.OpenAsync(SignerAccess.ForAccount(casey, taxpayer.Id)));
        Ok(await s.Requests.SendAsync(pat, draft.Id));
        Assert.Equal(EngagementStage.AwaitingSignature, (await s.Engagement.Engagements.DetailAsync(engagementId))!.Stage);
        Assert.Equal(taxpayer.Id.ToString(), await s.LinkSentToAsync("casey@example.test"));
        var spouseAccess = SignerAccess.ForInvitation(await s.LinkSentToAsync("jordan@example.test"));
        var caseyAccess = SignerAccess.ForAccount(casey, taxpayer.Id);

        // Taxpayer: consent, e-mailed code, knowledge check (one wrong answer first), read, adopt a drawn signature, sign, finish.
        Assert.Equal(SigningStep.Consent, (await s.Signing.OpenAsync(caseyAccess))!.Step);
        Assert.False((await s.Signing.VerifyCodeAsync(caseyAccess, "123456", Browser)).Succeeded);
        Ok(await s.Signing.ConsentAsync(caseyAccess, Browser));
        Ok(await s.Signing.SendCodeAsync(caseyAccess));
        Assert.False((await s.Signing.SendCodeAsync(caseyAccess)).Succeeded); // one every 30 seconds
        Ok(await s.Signing.VerifyCodeAsync(caseyAccess, await s.CodeSentToAsync("casey@example.test"), Browser));
        Assert.Equal("That answer does not match the firm's records. 2 attempts left.", (await s.Signing.AnswerAsync(caseyAccess, "50,000", Browser)).Error);
        Ok(await s.Signing.AnswerAsync(caseyAccess, " 48100.00 ", Browser));
        Assert.Equal(SigningStep.Sign, (await s.Signing.OpenAsync(caseyAccess))!.Step);
        Assert.False((await s.Signing.FinishAsync(caseyAccess, Browser)).Succeeded);
        await using (var shown = (await s.Signing.OpenDocumentAsync(caseyAccess, Browser))!)
        {
            Assert.Equal(original, await ReadAllAsync(shown));
        }

        // Placing replaced the draft's fields: the ones to sign are those of the request as sent.
        var caseyField = (await s.Requests.DetailAsync(draft.Id))!.Fields.Single(f => f.SignerId == taxpayer.Id && f.Kind == SignatureFieldKind.Signature);
        Assert.Equal("Adopt your signature first: type your name or draw it.", (await s.Signing.SignFieldAsync(caseyAccess, caseyField.Id)).Error);
        Assert.False((await s.Signing.AdoptAsync(caseyAccess, SignatureMethod.Drawn, SampleFiles.Jpeg(), Browser)).Succeeded);
        Ok(await s.Signing.AdoptAsync(caseyAccess, SignatureMethod.Drawn, SignaturePng(), Browser));
        Ok(await s.Signing.SignFieldAsync(caseyAccess, caseyField.Id));
        Assert.Equal("This field is signed already.", (await s.Signing.SignFieldAsync(caseyAccess, caseyField.Id)).Error);
        Ok(await s.Signing.FinishAsync(caseyAccess, Browser));
        Assert.Equal(SigningStep.Done, (await s.Signing.OpenAsync(caseyAccess))!.Step);
        Assert.Equal(SignatureRequestStatus.Pending, (await s.Requests.DetailAsync(draft.Id))!.Status);

        // Spouse, through the invitation: cannot sign the taxpayer's field, signs their own with a typed signature.
        Ok(await s.Signing.ConsentAsync(spouseAccess, Browser));
        Ok(await s.Signing.SendCodeAsync(spouseAccess));
        Ok(await s.Signing.VerifyCodeAsync(spouseAccess, await s.CodeSentToAsync("jordan@example.test"), Browser));
        Ok(await s.Signing.AnswerAsync(spouseAccess, "48100", Browser));
        Assert.NotNull(await s.Signing.OpenDocumentAsync(spouseAccess, Browser));
        Ok(await s.Signing.AdoptAsync(spouseAccess, SignatureMethod.Typed, SignaturePng(240, 60), Browser));
        Assert.Equal("That field is not yours to sign: each signer signs only their own fields.", (await s.Signing.SignFieldAsync(spouseAccess, caseyField.Id)).Error);
        var sent = (await s.Requests.DetailAsync(draft.Id))!;
        var spouseField = sent.Fields.Single(f => f.SignerId == spouse.Id && f.Kind == SignatureFieldKind.Signature);
        Ok(await s.Signing.SignFieldAsync(spouseAccess, spouseField.Id));
        clock.Advance(TimeSpan.FromMinutes(3));
        Ok(await s.Signing.FinishAsync(spouseAccess, Browser));

        // Completed: the signed copy is a COMPLETED document of the client, the return is Ready to file, everyone is told.
        var done = (await s.Requests.DetailAsync(draft.Id))!;
        Assert.Equal(SignatureRequestStatus.Completed, done.Status);
        Assert.Equal(EngagementStage.ReadyToFile, (await s.Engagement.Engagements.DetailAsync(engagementId))!.Stage);
        await using var db = await database.Factory.CreateDbContextAsync();
        var document = await db.Documents.AsNoTracking().SingleAsync(d => d.Id == done.SignedDocumentId);
        Assert.Equal(DocumentStatus.Completed, document.Status);
        Assert.Equal(casey, document.UserId);
        Assert.Equal(3, await db.QueuedEmails.CountAsync(e => e.Template == "signature-signed"));
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == AuditActions.SignatureRequestCompleted);

        byte[] signed;
        await using (var stream = await s.Store.OpenReadAsync(document.StorageKey))
        {
            signed = await ReadAllAsync(stream);
        }

        using var pdf = PdfDocument.Open(signed);
        Assert.Equal(3, pdf.NumberOfPages);
        // Page 1: the taxpayer's image inside the field's box (PDF points, origin bottom-left); page 2: the spouse's.
        var caseyImage = Assert.Single(pdf.GetPage(1).GetImages());
        AssertInside(caseyImage.BoundingBox, caseyField, 612, 792);
        var spouseImage = Assert.Single(pdf.GetPage(2).GetImages());
        AssertInside(spouseImage.BoundingBox, spouseField, 612, 792);
        Assert.Contains("03/02/2026", pdf.GetPage(1).Text, StringComparison.Ordinal);
        // Lines of the certificate wrap wherever the page ends them: compare without the spaces.
        var certificate = pdf.GetPage(3).Text.Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains(Squash("Certificate of electronic signature"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash(Convert.ToHexStringLower(SHA256.HashData(original))), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Casey Tester"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Jordan Tester"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("198.51.100.7"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Mozilla/5.0 (test)"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("One-time code to the signer's e-mail"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Knowledge check from firm records: passed"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Drawn by hand"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash("Typed name"), certificate, StringComparison.Ordinal);
        Assert.Contains(Squash($"client account {casey}"), certificate, StringComparison.Ordinal);
        Assert.Equal(document.Sha256, Convert.ToHexStringLower(SHA256.HashData(signed)));

        // The hashes check out; nothing about the signature changes afterwards.
        Assert.True((await s.Requests.CheckAsync(draft.Id))!.Passed);
        Assert.False((await s.Requests.VoidAsync(pat, draft.Id, "changed my mind")).Succeeded);
        Assert.False((await s.Signing.SignFieldAsync(spouseAccess, spouseField.Id)).Succeeded);

        // One byte of the stored original changed: the check fails.
        var key = StoredKey(db, draft.Id);
        var bytes = await s.Files.RawAsync(key);
        bytes[^40] ^= 0x01;
        await s.Files.OverwriteRawAsync(key, bytes);
        var check = (await s.Requests.CheckAsync(draft.Id))!;
        Assert.False(check.Passed);
        Assert.False(check.OriginalMatches);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Three_wrong_answers_lock_the_signer_and_the_wet_signed_copy_completes_the_request(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var id = (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(spouse: null), new MemoryStream(SampleForms.Form8879(2025, "Casey Tester", pages: 1)))).Id!.Value;
        Ok(await s.Requests.SendAsync(pat, id));
        var signer = (await s.Requests.DetailAsync(id))!.Signers.Single();
        var access = SignerAccess.ForAccount(casey, signer.Id);
        await s.Signing.ConsentAsync(access, Browser);
        await s.Signing.SendCodeAsync(access);
        Ok(await s.Signing.VerifyCodeAsync(access, await s.CodeSentToAsync("casey@example.test"), Browser));

        Assert.EndsWith("2 attempts left.", (await s.Signing.AnswerAsync(access, "1", Browser)).Error, StringComparison.Ordinal);
        Assert.EndsWith("1 attempt left.", (await s.Signing.AnswerAsync(access, "2", Browser)).Error, StringComparison.Ordinal);
        Assert.Equal(SigningService.Locked, (await s.Signing.AnswerAsync(access, "3", Browser)).Error);
        // Even the right answer now: electronic signing is closed for this request.
        Assert.False((await s.Signing.AnswerAsync(access, "48100", Browser)).Succeeded);
        Assert.Equal(SigningStep.Locked, (await s.Signing.OpenAsync(access))!.Step);
        Assert.Null(await s.Signing.OpenDocumentAsync(access, Browser));
        var locked = (await s.Requests.DetailAsync(id))!;
        Assert.Equal(SignatureRequestStatus.NeedsWetSignature, locked.Status);
        Assert.Equal(3, locked.Signers.Single().KnowledgeAttempts);
        Assert.Equal(SignatureListFilter.FailedVerification, Assert.Single((await s.Requests.ListAsync(SignatureListFilter.FailedVerification, null, TaxGenius.Core.Common.PageRequest.First())).Rows).Status switch
        {
            SignatureRequestStatus.NeedsWetSignature => SignatureListFilter.FailedVerification,
            _ => SignatureListFilter.All,
        });

        // The fallback: the preparer uploads the wet-signed scan; it is filed, the request completes, the return moves on.
        var scan = SampleFiles.Pdf("Form 8879 signed by hand");
        Assert.False((await s.Requests.FileWetSignedAsync(pat, id, "scan.png", new MemoryStream(SampleFiles.Png()))).Succeeded);
        Ok(await s.Requests.FileWetSignedAsync(pat, id, "8879-signed.pdf", new MemoryStream(scan)));
        var done = (await s.Requests.DetailAsync(id))!;
        Assert.Equal(SignatureRequestStatus.Completed, done.Status);
        Assert.True(done.WetSigned);
        Assert.Equal(EngagementStage.ReadyToFile, (await s.Engagement.Engagements.DetailAsync(engagementId))!.Stage);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task A_signer_reaches_only_their_own_signer_row(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, caseyEngagement) = await s.ClientWithEngagementAsync("casey@example.test");
        var (dana, danaEngagement) = await s.ClientWithEngagementAsync("dana@example.test", "Dana");
        var caseys = (await s.Requests.CreateDraftAsync(pat, caseyEngagement, Draft(), new MemoryStream(SampleForms.Form8879(2025, "Casey Tester")))).Id!.Value;
        var danas = (await s.Requests.CreateDraftAsync(pat, danaEngagement, Draft(spouse: null), new MemoryStream(SampleForms.Form8879(2025, "Dana Tester")))).Id!.Value;
        await s.Requests.SendAsync(pat, caseys);
        await s.Requests.SendAsync(pat, danas);
        var caseySigner = (await s.Requests.DetailAsync(caseys))!.Signers.Single(x => x.Role == SignerRole.Taxpayer);
        var caseySpouse = (await s.Requests.DetailAsync(caseys))!.Signers.Single(x => x.Role == SignerRole.Spouse);
        var danaSigner = (await s.Requests.DetailAsync(danas))!.Signers.Single();

        // Dana asks for Casey's signer by id; the spouse's id used as an account; a made-up token: nothing, for every step.
        foreach (var access in new[]
                 {
                     SignerAccess.ForAccount(dana, caseySigner.Id), SignerAccess.ForAccount(casey, caseySpouse.Id),
                     SignerAccess.ForAccount(casey, danaSigner.Id), SignerAccess.ForInvitation(new string('a', 64)), SignerAccess.ForInvitation(""),
                 })
        {
            Assert.Null(await s.Signing.OpenAsync(access));
            Assert.False((await s.Signing.ConsentAsync(access, Browser)).Succeeded);
            Assert.Null(await s.Signing.OpenDocumentAsync(access, Browser));
        }

        // A client's home lists only their own.
        Assert.Equal(caseySigner.Id, Assert.Single(await s.Signing.ForClientAsync(casey)).SignerId);
        Assert.Equal(danaSigner.Id, Assert.Single(await s.Signing.ForClientAsync(dana)).SignerId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Reminders_go_out_after_two_and_five_days_then_the_request_expires_and_re_sending_opens_it_again(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var id = (await s.Requests.CreateDraftAsync(pat, engagementId, Draft() with { ExpiresInDays = 7 }, new MemoryStream(SampleForms.Form8879(2025, "Casey Tester")))).Id!.Value;
        await s.Requests.SendAsync(pat, id);
        var firstSpouseLink = await s.LinkSentToAsync("jordan@example.test");

        Assert.Equal((0, 0), await s.Reminders.RunAsync());
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((1, 0), await s.Reminders.RunAsync());
        Assert.Equal((0, 0), await s.Reminders.RunAsync());
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal((1, 0), await s.Reminders.RunAsync());
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(2, await db.QueuedEmails.CountAsync(e => e.Template == "signature-reminder" && e.To == "casey@example.test"));
            Assert.Equal(2, await db.QueuedEmails.CountAsync(e => e.Template == "signature-reminder" && e.To == "jordan@example.test"));
        }

        // The spouse's reminder carries a new link, which replaces the first one.
        Assert.Null(await s.Signing.OpenAsync(SignerAccess.ForInvitation(firstSpouseLink)));
        Assert.NotNull(await s.Signing.OpenAsync(SignerAccess.ForInvitation(await s.LinkSentToAsync("jordan@example.test"))));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((0, 1), await s.Reminders.RunAsync());
        Assert.Equal(SignatureRequestStatus.Expired, (await s.Requests.DetailAsync(id))!.Status);
        var caseyAccess = SignerAccess.ForAccount(casey, (await s.Requests.DetailAsync(id))!.Signers.Single(x => x.Role == SignerRole.Taxpayer).Id);
        Assert.Equal(SigningStep.Closed, (await s.Signing.OpenAsync(caseyAccess))!.Step);
        Assert.False((await s.Signing.ConsentAsync(caseyAccess, Browser)).Succeeded);
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(3, await db.QueuedEmails.CountAsync(e => e.Template == "signature-expired"));
        }

        Ok(await s.Requests.ResendAsync(pat, id));
        var reopened = (await s.Requests.DetailAsync(id))!;
        Assert.Equal(SignatureRequestStatus.Pending, reopened.Status);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddDays(7), reopened.ExpiresAt);
        Assert.Equal(SigningStep.Consent, (await s.Signing.OpenAsync(caseyAccess))!.Step);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task A_voided_request_closes_for_its_signers_with_its_reason_audited(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var id = (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream(SampleForms.Form8879(2025, "Casey Tester")))).Id!.Value;
        await s.Requests.SendAsync(pat, id);
        var spouseLink = await s.LinkSentToAsync("jordan@example.test");

        Assert.Equal("Say why the request is voided: the audit log keeps the reason.", (await s.Requests.VoidAsync(pat, id, "  ")).Error);
        Ok(await s.Requests.VoidAsync(pat, id, "Amended figures: a new 8879 follows"));
        Assert.Equal(SignatureRequestStatus.Voided, (await s.Requests.DetailAsync(id))!.Status);
        Assert.Null(await s.Signing.OpenAsync(SignerAccess.ForInvitation(spouseLink)));
        var caseyAccess = SignerAccess.ForAccount(casey, (await s.Requests.DetailAsync(id))!.Signers.Single(x => x.Role == SignerRole.Taxpayer).Id);
        var view = (await s.Signing.OpenAsync(caseyAccess))!;
        Assert.Equal(SigningStep.Closed, view.Step);
        Assert.Contains("withdrew", view.ClosedReason, StringComparison.Ordinal);
        Assert.False((await s.Requests.ResendAsync(pat, id)).Succeeded);
        await using var db = await database.Factory.CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.SignatureRequestVoided);
        Assert.Contains("Amended figures", entry.Detail, StringComparison.Ordinal);
        Assert.Equal(2, await db.QueuedEmails.CountAsync(e => e.Template == "signature-voided"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task Bad_input_is_refused_with_a_reason_and_leaves_nothing_stored(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (_, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var pdf = SampleForms.Form8879(2025, "Casey Tester");

        Assert.Contains("needs a knowledge check", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(question: null), new MemoryStream(pdf))).Error, StringComparison.Ordinal);
        Assert.Contains("Enter the answer", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(answer: " $ "), new MemoryStream(pdf))).Error, StringComparison.Ordinal);
        Assert.Contains("spouse's e-mail", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft() with { SpouseEmail = null }, new MemoryStream(pdf))).Error, StringComparison.Ordinal);
        Assert.Contains("own e-mail", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft() with { SpouseEmail = "CASEY@example.test" }, new MemoryStream(pdf))).Error, StringComparison.Ordinal);
        Assert.Contains("not a PDF", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream(SampleFiles.Jpeg()))).Error, StringComparison.Ordinal);
        Assert.Contains("not a PDF", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream(pdf[..200]))).Error, StringComparison.Ordinal);
        Assert.Contains("empty", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream())).Error, StringComparison.Ordinal);
        Assert.Contains("between 1 and 90", (await s.Requests.CreateDraftAsync(pat, engagementId, Draft() with { ExpiresInDays = 0 }, new MemoryStream(pdf))).Error, StringComparison.Ordinal);
        Assert.Equal("That engagement does not exist.", (await s.Requests.CreateDraftAsync(pat, Guid.NewGuid(), Draft(), new MemoryStream(pdf))).Error);
        Assert.Empty(await s.Files.KeysAsync());
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.SignatureRequests.CountAsync());
        }

        // Fields: outside the page, on a page that does not exist, or a signer left without a signature field.
        var id = (await s.Requests.CreateDraftAsync(pat, engagementId, Draft(), new MemoryStream(pdf))).Id!.Value;
        var draft = (await s.Requests.DetailAsync(id))!;
        var taxpayer = draft.Signers[0].Id;
        Assert.Contains("outside its page", (await s.Requests.SetFieldsAsync(pat, id, [new(taxpayer, SignatureFieldKind.Signature, 1, 0.9, 0.5, 0.3, 0.05)])).Error, StringComparison.Ordinal);
        Assert.Contains("has 2 pages", (await s.Requests.SetFieldsAsync(pat, id, [new(taxpayer, SignatureFieldKind.Signature, 3, 0.1, 0.5, 0.3, 0.05)])).Error, StringComparison.Ordinal);
        Assert.Contains("Place a signature field for Jordan Tester", (await s.Requests.SetFieldsAsync(pat, id, [new(taxpayer, SignatureFieldKind.Signature, 1, 0.1, 0.5, 0.3, 0.05)])).Error, StringComparison.Ordinal);
        Assert.Contains("not a signer", (await s.Requests.SetFieldsAsync(pat, id, [new(Guid.NewGuid(), SignatureFieldKind.Signature, 1, 0.1, 0.5, 0.3, 0.05)])).Error, StringComparison.Ordinal);
        Assert.Equal(4, (await s.Requests.DetailAsync(id))!.Fields.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ProvidersAndStores), MemberType = typeof(TestDatabase))]
    public async Task A_signature_whose_signed_copy_cannot_be_made_at_once_is_kept_and_the_hourly_job_completes_it(DatabaseProvider provider, StoreKind storeKind)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var s = new SignatureServices(database, clock, Files(storeKind));
        var pat = await s.PreparerAsync();
        var (casey, engagementId) = await s.ClientWithEngagementAsync("casey@example.test");
        var letter = Draft(SignatureDocumentKind.EngagementLetter, spouse: null, question: null, answer: null) with { Title = "Engagement letter 2025" };
        var id = (await s.Requests.CreateDraftAsync(pat, engagementId, letter, new MemoryStream(SampleForms.Form8879(2025, "Casey Tester", pages: 1)))).Id!.Value;
        Ok(await s.Requests.SendAsync(pat, id));
        var request = (await s.Requests.DetailAsync(id))!;
        var access = SignerAccess.ForAccount(casey, request.Signers.Single().Id);
        Ok(await s.Signing.ConsentAsync(access, Browser));
        Ok(await s.Signing.SendCodeAsync(access));
        Ok(await s.Signing.VerifyCodeAsync(access, await s.CodeSentToAsync("casey@example.test"), Browser));
        // No knowledge check on an engagement letter: verified once the code is right.
        Assert.Equal(SigningStep.Sign, (await s.Signing.OpenAsync(access))!.Step);
        await (await s.Signing.OpenDocumentAsync(access, Browser))!.DisposeAsync();
        Ok(await s.Signing.AdoptAsync(access, SignatureMethod.Typed, SignaturePng(), Browser));
        Ok(await s.Signing.SignFieldAsync(access, request.Fields.Single(f => f.Kind == SignatureFieldKind.Signature).Id));

        // The store is unavailable at the moment of the last signature: the signature is kept, the request waits.
        string key;
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            key = StoredKey(db, id);
        }

        var away = await s.Files.RawAsync(key);
        await s.Store.DeleteAsync(key);
        Ok(await s.Signing.FinishAsync(access, Browser));
        Assert.Equal(SigningStep.Done, (await s.Signing.OpenAsync(access))!.Step);
        Assert.Equal(SignatureRequestStatus.Pending, (await s.Requests.DetailAsync(id))!.Status);

        await s.Files.OverwriteRawAsync(key, away);
        await s.Reminders.RunAsync();
        var done = (await s.Requests.DetailAsync(id))!;
        Assert.Equal(SignatureRequestStatus.Completed, done.Status);
        Assert.NotNull(done.SignedDocumentId);
        Assert.True((await s.Requests.CheckAsync(id))!.Passed);
    }

    [Theory]
    [InlineData("$52,340.00", "52340")]
    [InlineData(" 52,340 ", "52340")]
    [InlineData("52340.5", "52340.5")]
    [InlineData("-1,200", "-1200")]
    [InlineData("Main Street 12", "mainstreet12")]
    [InlineData("  ", "")]
    public void Answers_compare_by_value_and_letters(string answer, string normalized) =>
        Assert.Equal(normalized, FirmKnowledgeVerifier.Normalize(answer));

    private static string Squash(string text) => text.Replace(" ", "", StringComparison.Ordinal);

    private static void Ok(SignatureResult result) => Assert.True(result.Succeeded, result.Error);

    private static void AssertInside(UglyToad.PdfPig.Core.PdfRectangle image, FieldView field, double width, double height)
    {
        var left = field.X * width;
        var right = (field.X + field.Width) * width;
        var top = height - (field.Y * height);
        var bottom = height - ((field.Y + field.Height) * height);
        Assert.InRange(image.Left, left - 0.5, right);
        Assert.InRange(image.Right, left, right + 0.5);
        Assert.InRange(image.Bottom, bottom - 0.5, top);
        Assert.InRange(image.Top, bottom, top + 0.5);
    }

    private static string StoredKey(TaxGeniusDbContext db, Guid requestId) =>
        db.SignatureRequests.Where(r => r.Id == requestId).Select(r => r.OriginalStorageKey).Single();

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 disposes a test class through IAsyncLifetime or IDisposable only, never IAsyncDisposable: each test's store folder
    // (encrypted documents) was left in the temporary folder.
    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
