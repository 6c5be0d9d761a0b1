using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Documents;

/// <summary>The queue's bulk actions through the app's own services, on both providers: what succeeds, what does not and why.</summary>
public sealed class ReviewQueueBulkActionTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bulk_claim_and_complete_report_each_outcome(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var app = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database, extra: new Dictionary<string, string?> { ["Demo:Enabled"] = "false" });
        var parker = await app.CreateUserAsync("parker@example.test", Roles.Preparer);
        var pat = await app.CreateUserAsync("pat@example.test", Roles.Preparer);
        var avery = await app.CreateUserAsync("avery@example.test", Roles.Admin);
        var client = await ReviewQueueServiceTests.AddClientAsync(database, "casey@example.test", "Casey", "Client");
        var t0 = new DateTime(2026, 2, 1, 9, 0, 0, DateTimeKind.Utc);
        var first = await ReviewQueueServiceTests.AddDocumentAsync(database, client, t0, DocumentStatus.Pending);
        var second = await ReviewQueueServiceTests.AddDocumentAsync(database, client, t0.AddMinutes(1), DocumentStatus.Pending);
        var third = await ReviewQueueServiceTests.AddDocumentAsync(database, client, t0.AddMinutes(2), DocumentStatus.Pending);
        var status = app.Services.GetRequiredService<DocumentStatusService>();
        var queue = app.Services.GetRequiredService<ReviewQueueService>();
        var asParker = new AuditActor(parker, "parker@example.test", "127.0.0.1", IsAdmin: false);
        var asPat = new AuditActor(pat, "pat@example.test", "127.0.0.1", IsAdmin: false);

        Assert.True((await status.ClaimAsync(asPat, third)).Succeeded);

        // Two claimed, one not: Pat has it.
        var claimed = await status.ClaimManyAsync(asParker, [first, second, third]);
        Assert.Equal(2, claimed.Succeeded);
        var refused = Assert.Single(claimed.Failures);
        Assert.Equal(third, refused.DocumentId);
        Assert.Contains("pat@example.test", refused.Error, StringComparison.Ordinal);

        var mine = await queue.GetPageAsync(parker, new QueueFilter { Assignee = QueueAssignee.Me });
        Assert.Equal([first, second], mine.Rows.Select(r => r.Id));
        Assert.All(mine.Rows, r => Assert.Equal((DocumentStatus.Processing, "parker@example.test"), (r.Status, r.AssignedToEmail)));
        Assert.Empty((await queue.GetPageAsync(parker, new QueueFilter { Assignee = QueueAssignee.Unassigned })).Rows);

        // Parker completes his own; Pat's is refused; an admin may complete any.
        var completed = await status.CompleteManyAsync(asParker, [first, third]);
        Assert.Equal(1, completed.Succeeded);
        Assert.Equal(third, Assert.Single(completed.Failures).DocumentId);
        var byAdmin = await status.CompleteManyAsync(new AuditActor(avery, "avery@example.test", null, IsAdmin: true), [third]);
        Assert.Equal((1, 0), (byAdmin.Succeeded, byAdmin.Failures.Count));

        var open = await queue.GetPageAsync(parker, new QueueFilter());
        Assert.Equal([second], open.Rows.Select(r => r.Id));
        var done = await queue.GetPageAsync(parker, new QueueFilter { Statuses = new HashSet<DocumentStatus> { DocumentStatus.Completed } });
        Assert.Equal([first, third], done.Rows.Select(r => r.Id));

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.DocumentClaimed));
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.DocumentStatusChanged));
    }
}
