using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Documents;

/// <summary>
/// The review workflow on both providers: claim, finish, reassign; two preparers at once (exactly one wins, the other gets a
/// clear message and the fresh row); history and audit rows written with each change; the audit log cannot be rewritten.
/// </summary>
public sealed class DocumentWorkflowTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_contexts_saving_the_same_document_exactly_one_wins(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var documentId = await DemoDocumentAsync(app, DocumentStatus.Pending);
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        var preparer = await app.UserIdAsync(DemoAccounts.Preparer);

        await using var first = await factory.CreateDbContextAsync();
        await using var second = await factory.CreateDbContextAsync();
        var a = await first.Documents.SingleAsync(d => d.Id == documentId);
        var b = await second.Documents.SingleAsync(d => d.Id == documentId);
        a.Status = DocumentStatus.Processing;
        a.AssignedToId = preparer;
        b.Status = DocumentStatus.Processing;
        b.AssignedToId = null;

        await first.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_preparers_claiming_at_once_one_wins_and_the_other_is_told_who(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        var alice = await ActorAsync(app, DemoAccounts.Preparer);
        var bob = await ActorAsync(app, await CreatePreparerAsync(app, "bob.preparer@example.test"));

        // A stale view: Bob's page showed the version from before Alice's claim.
        var documentId = await DemoDocumentAsync(app, DocumentStatus.Pending);
        var seenByBob = await VersionAsync(app, documentId);
        Assert.True((await workflow.ClaimAsync(alice, documentId)).Succeeded);
        var stale = await workflow.ClaimAsync(bob, documentId, seenByBob);
        Assert.False(stale.Succeeded);
        Assert.True(stale.Conflict);
        Assert.Equal(DocumentStatus.Processing, stale.Status);
        Assert.Equal(DemoAccounts.Preparer, stale.AssignedToEmail);
        Assert.Contains("Someone else changed this document", stale.Error, StringComparison.Ordinal);
        Assert.Contains(DemoAccounts.Preparer, stale.Error, StringComparison.Ordinal);

        // A real race, many times: never two winners, never a lost claim.
        for (var i = 0; i < 10; i++)
        {
            var id = await NewPendingDocumentAsync(app);
            var results = await Task.WhenAll(Task.Run(() => workflow.ClaimAsync(alice, id)), Task.Run(() => workflow.ClaimAsync(bob, id)));
            Assert.Single(results, r => r.Succeeded);
            var loser = Assert.Single(results, r => !r.Succeeded);
            Assert.False(string.IsNullOrWhiteSpace(loser.Error));
            Assert.Equal(DocumentStatus.Processing, loser.Status);
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
            Assert.Equal(1, await db.DocumentStatusChanges.CountAsync(c => c.DocumentId == id));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_the_assignee_or_an_admin_finishes_a_document_and_a_rejection_needs_a_reason(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        var alice = await ActorAsync(app, DemoAccounts.Preparer);
        var bob = await ActorAsync(app, await CreatePreparerAsync(app, "bob.preparer@example.test"));
        var admin = await ActorAsync(app, DemoAccounts.Admin, isAdmin: true);
        var id = await NewPendingDocumentAsync(app);
        Assert.True((await workflow.ClaimAsync(alice, id)).Succeeded);

        var bobTries = await workflow.ChangeStatusAsync(bob, id, DocumentStatus.Completed, null);
        Assert.False(bobTries.Succeeded);
        Assert.Contains("claimed by " + DemoAccounts.Preparer, bobTries.Error, StringComparison.Ordinal);

        var noReason = await workflow.ChangeStatusAsync(alice, id, DocumentStatus.Rejected, "  ");
        Assert.Contains("reason", noReason.Error, StringComparison.Ordinal);

        Assert.True((await workflow.ChangeStatusAsync(alice, id, DocumentStatus.Rejected, "The W-2 is cut off at the bottom.")).Succeeded);
        var reopenByPreparer = await workflow.ChangeStatusAsync(alice, id, DocumentStatus.Processing, null);
        Assert.Contains("only an administrator can reopen", reopenByPreparer.Error, StringComparison.Ordinal);
        Assert.True((await workflow.ChangeStatusAsync(admin, id, DocumentStatus.Processing, null)).Succeeded);
        Assert.True((await workflow.ReassignAsync(admin, id, bob.UserId)).Succeeded);
        Assert.False((await workflow.ReassignAsync(alice, id, alice.UserId)).Succeeded);
        Assert.True((await workflow.ChangeStatusAsync(bob, id, DocumentStatus.Completed, null)).Succeeded);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var history = await db.DocumentStatusChanges.Where(c => c.DocumentId == id).OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new { c.FromStatus, c.ToStatus, c.Reason, c.ActorId }).ToListAsync();
        Assert.Equal(
            [
                (DocumentStatus.Pending, DocumentStatus.Processing, (string?)null, alice.UserId),
                (DocumentStatus.Processing, DocumentStatus.Rejected, "The W-2 is cut off at the bottom.", alice.UserId),
                (DocumentStatus.Rejected, DocumentStatus.Processing, null, admin.UserId),
                (DocumentStatus.Processing, DocumentStatus.Completed, null, bob.UserId),
            ],
            history.Select(h => (h.FromStatus!.Value, h.ToStatus, h.Reason, h.ActorId!.Value)).ToList());

        var actions = await db.AuditEntries.Where(a => a.SubjectId == id).OrderBy(a => a.At).ThenBy(a => a.Id).Select(a => new { a.Action, a.ActorId, a.SubjectUserId, a.IpAddress }).ToListAsync();
        Assert.Equal(
            [AuditActions.DocumentClaimed, AuditActions.DocumentStatusChanged, AuditActions.DocumentStatusChanged, AuditActions.DocumentReassigned, AuditActions.DocumentStatusChanged],
            actions.Select(a => a.Action).ToList());
        Assert.All(actions, a => Assert.Equal("203.0.113.7", a.IpAddress));
        Assert.All(actions, a => Assert.NotNull(a.SubjectUserId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bulk_claim_and_complete_report_what_did_not_happen(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        var alice = await ActorAsync(app, DemoAccounts.Preparer);
        var ids = new[] { await NewPendingDocumentAsync(app), await NewPendingDocumentAsync(app), await DemoDocumentAsync(app, DocumentStatus.Completed) };

        var claimed = await workflow.ClaimManyAsync(alice, ids);
        Assert.Equal(2, claimed.Succeeded);
        Assert.Equal(ids[2], Assert.Single(claimed.Failures).DocumentId);

        var completed = await workflow.CompleteManyAsync(alice, ids);
        Assert.Equal(2, completed.Succeeded);
        Assert.Contains("COMPLETED", Assert.Single(completed.Failures).Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_audit_log_cannot_be_updated_or_deleted(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var audit = app.Services.GetRequiredService<AuditLog>();
        var actor = await ActorAsync(app, DemoAccounts.Admin, isAdmin: true);
        await audit.WriteAsync(actor, AuditActions.DocumentViewed, "Document", Guid.CreateVersion7(), null);
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();

        await using (var db = await factory.CreateDbContextAsync())
        {
            var entry = await db.AuditEntries.FirstAsync(e => e.Action == AuditActions.DocumentViewed);
            entry.Detail = "rewritten";
            Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            db.AuditEntries.Remove(await db.AuditEntries.OrderBy(a => a.Id).FirstAsync());
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        // Not even bulk statements or raw SQL through the app's own connection (a trigger on each provider).
        await using (var db = await factory.CreateDbContextAsync())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\""));
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Detail\" = 'x'"));
            await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.ExecuteDeleteAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "x")));
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.Null((await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.DocumentViewed)).Detail);
        }
    }

    [Fact]
    public async Task A_status_change_and_the_clients_email_about_it_are_committed_together_or_not_at_all()
    {
        await using var app = await StartAsync(DatabaseProvider.Postgres);
        var workflow = app.Services.GetRequiredService<DocumentStatusService>();
        var factory = app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        var alice = await ActorAsync(app, DemoAccounts.Preparer);
        var id = await NewPendingDocumentAsync(app);
        Assert.True((await workflow.ClaimAsync(alice, id)).Succeeded);
        await using var db = await factory.CreateDbContextAsync();
        var emailsBefore = await db.QueuedEmails.CountAsync(e => e.To == DemoAccounts.Client);
        var historyBefore = await db.DocumentStatusChanges.CountAsync(c => c.DocumentId == id);

        // The e-mail table refuses rows (as a full disk or a lost connection would, mid-save): the change it tells about is not kept either.
        await db.Database.ExecuteSqlRawAsync("""
            CREATE FUNCTION refuse_email() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'e-mail table unavailable'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_email BEFORE INSERT ON "QueuedEmails" FOR EACH ROW EXECUTE FUNCTION refuse_email();
            """);
        await Assert.ThrowsAsync<DbUpdateException>(() => workflow.ChangeStatusAsync(alice, id, DocumentStatus.Completed, null));
        Assert.Equal(DocumentStatus.Processing, await db.Documents.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(historyBefore, await db.DocumentStatusChanges.CountAsync(c => c.DocumentId == id));
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.SubjectId == id && a.Action == AuditActions.DocumentStatusChanged));

        // Once it accepts them, the change and its e-mail land in the same commit: the e-mail exists the moment the status does.
        await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER refuse_email ON "QueuedEmails"; DROP FUNCTION refuse_email();""");
        Assert.True((await workflow.ChangeStatusAsync(alice, id, DocumentStatus.Completed, null)).Succeeded);
        Assert.Equal(DocumentStatus.Completed, await db.Documents.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(emailsBefore + 1, await db.QueuedEmails.CountAsync(e => e.To == DemoAccounts.Client));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Work_killed_between_the_save_and_the_email_dispatch_still_leaves_the_email_queued(DatabaseProvider provider)
    {
        // Runs first among the interceptors, so it "kills the process" after the commit and before anything signals the dispatcher.
        var killer = new KillAfterSave();
        // Delivery waits until the test has read the e-mail back: a dispatch already under way (the minutely sweep, or one signalled
        // by an earlier save) would otherwise send it first, and a sent e-mail's bodies are wiped, so there would be nothing to read.
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<IServiceCollection> configure = s =>
        {
            s.Insert(0, ServiceDescriptor.Singleton<ISaveChangesInterceptor>(killer));
            var transport = s.Last(d => d.ServiceType == typeof(IEmailTransport));
            s.Remove(transport);
            s.AddSingleton<IEmailTransport>(sp => new HeldTransport(
                (IEmailTransport)ActivatorUtilities.CreateInstance(sp, transport.ImplementationType!), reading.Task));
        };
        await using var app = provider == DatabaseProvider.Postgres
            ? await TaxGeniusAppFactory.CreateAsync(configureServices: configure)
            : TaxGeniusAppFactory.CreateEmbedded(configureServices: configure);
        try
        {
            app.StartServer();
            var workflow = app.Services.GetRequiredService<DocumentStatusService>();
            var alice = await ActorAsync(app, DemoAccounts.Preparer);
            var id = await NewPendingDocumentAsync(app);
            Assert.True((await workflow.ClaimAsync(alice, id)).Succeeded);
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
            var emailsBefore = await db.QueuedEmails.CountAsync(e => e.To == DemoAccounts.Client);

            killer.Armed = true;
            await Assert.ThrowsAsync<OperationCanceledException>(() => workflow.ChangeStatusAsync(alice, id, DocumentStatus.Completed, null));

            Assert.Equal(DocumentStatus.Completed, await db.Documents.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
            var queued = await db.QueuedEmails.Where(e => e.To == DemoAccounts.Client).OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).ToListAsync();
            Assert.Equal(emailsBefore + 1, queued.Count);
            Assert.Contains("w2.pdf", queued[0].TextBody, StringComparison.Ordinal);
        }
        finally
        {
            // Released before the app is disposed, which waits for the held dispatch.
            reading.TrySetResult();
        }
    }

    /// <summary>The app's own transport, holding every message until <paramref name="release"/> completes.</summary>
    private sealed class HeldTransport(IEmailTransport inner, Task release) : IEmailTransport
    {
        public async Task SendAsync(MimeKit.MimeMessage message, CancellationToken cancellationToken = default)
        {
            await release.WaitAsync(cancellationToken);
            await inner.SendAsync(message, cancellationToken);
        }
    }

    private sealed class KillAfterSave : SaveChangesInterceptor
    {
        public bool Armed { get; set; }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
            Armed && eventData.Context!.ChangeTracker.Entries<QueuedEmail>().Any()
                ? throw new OperationCanceledException("The process was killed after the save.")
                : ValueTask.FromResult(result);
    }

    internal static async Task<TaxGeniusAppFactory> StartAsync(DatabaseProvider provider)
    {
        var app = provider == DatabaseProvider.Postgres ? await TaxGeniusAppFactory.CreateAsync() : TaxGeniusAppFactory.CreateEmbedded();
        app.StartServer();
        return app;
    }

    private static async Task<AuditActor> ActorAsync(TaxGeniusAppFactory app, string email, bool isAdmin = false) =>
        new(await app.UserIdAsync(email), email, "203.0.113.7", isAdmin);

    private static async Task<string> CreatePreparerAsync(TaxGeniusAppFactory app, string email)
    {
        await app.CreateUserAsync(email, Roles.Preparer);
        return email;
    }

    private static async Task<uint> VersionAsync(TaxGeniusAppFactory app, Guid documentId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.Version).SingleAsync();
    }

    private static async Task<Guid> DemoDocumentAsync(TaxGeniusAppFactory app, DocumentStatus status)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.Where(d => d.Status == status).Select(d => d.Id).FirstAsync();
    }

    private static async Task<Guid> NewPendingDocumentAsync(TaxGeniusAppFactory app)
    {
        var client = await app.UserIdAsync(DemoAccounts.Client);
        var upload = await app.Services.GetRequiredService<ClientDocumentService>().UploadAsync(client,
            new UploadRequest("w2.pdf", DocumentType.W2, TaxYears.Current(TimeProvider.System)), new MemoryStream(SampleFiles.Pdf()));
        Assert.True(upload.Succeeded, upload.Error);
        return upload.Document!.Id;
    }
}
