using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Audit;

/// <summary>The audit page's subject filter, on both providers: a document's id finds that document; a client's id finds everything about them.</summary>
public sealed class AuditQueryServiceTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clients_id_finds_every_entry_about_them_and_a_documents_id_only_that_document(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (casey, robin) = (Guid.NewGuid(), Guid.NewGuid());
        var (caseysW2, robinsW2) = (Guid.NewGuid(), Guid.NewGuid());
        var start = new DateTime(2026, 3, 2, 15, 0, 0, DateTimeKind.Utc);
        AuditEntry Entry(int minute, string action, string type, Guid? subject, Guid client) =>
            new() { Id = Guid.NewGuid(), At = start.AddMinutes(minute), Action = action, ActorEmail = "pat@example.test", SubjectType = type, SubjectId = subject, SubjectUserId = client };
        var entries = new[]
        {
            Entry(0, AuditActions.DocumentViewed, "Document", caseysW2, casey),
            Entry(1, AuditActions.ConversationViewed, "Conversation", null, casey), // the client's conversation has no subject id of its own
            Entry(2, AuditActions.SsnRevealed, "User", casey, casey),
            Entry(3, AuditActions.DocumentViewed, "Document", robinsW2, robin),
        };
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.AuditEntries.AddRange(entries);
            await db.SaveChangesAsync();
        }

        var queries = new AuditQueryService(database.Factory);
        async Task<List<string>> ActionsFor(Guid subject) =>
            [.. (await queries.GetPageAsync(new AuditFilter { SubjectId = subject })).Rows.Select(e => $"{e.Action} {e.SubjectType}")];

        Assert.Equal([$"{AuditActions.SsnRevealed} User", $"{AuditActions.ConversationViewed} Conversation", $"{AuditActions.DocumentViewed} Document"],
            await ActionsFor(casey));
        Assert.Equal([$"{AuditActions.DocumentViewed} Document"], await ActionsFor(caseysW2));
        Assert.Equal([$"{AuditActions.DocumentViewed} Document"], await ActionsFor(robin));

        // The export reads through the same filter.
        var exported = new List<AuditEntry>();
        await foreach (var entry in queries.ReadAllAsync(new AuditFilter { SubjectId = casey }))
        {
            exported.Add(entry);
        }

        Assert.Equal(entries.Take(3).Select(e => e.Id).Reverse(), exported.Select(e => e.Id));
    }
}
