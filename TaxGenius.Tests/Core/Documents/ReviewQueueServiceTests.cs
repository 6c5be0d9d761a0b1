using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Common;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Documents;

/// <summary>The preparers' queue on both providers: filters, upload order, keyset pages that cover every row once.</summary>
public sealed class ReviewQueueServiceTests
{
    private static readonly DateTime T0 = new(2026, 2, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_default_queue_is_the_open_documents_oldest_first(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var client = await AddClientAsync(database, "casey@example.test", "Casey", "Client");
        var newest = await AddDocumentAsync(database, client, T0.AddHours(3), DocumentStatus.Pending);
        var oldest = await AddDocumentAsync(database, client, T0.AddHours(1), DocumentStatus.Processing);
        await AddDocumentAsync(database, client, T0.AddHours(2), DocumentStatus.Completed);
        await AddDocumentAsync(database, client, T0, DocumentStatus.Rejected);
        var middle = await AddDocumentAsync(database, client, T0.AddHours(2), DocumentStatus.Pending);

        var page = await new ReviewQueueService(database.Factory).GetPageAsync(Guid.NewGuid(), new QueueFilter());

        Assert.Equal([oldest, middle, newest], page.Rows.Select(r => r.Id));
        Assert.False(page.HasPrevious);
        Assert.False(page.HasNext);
        var row = page.Rows[1];
        Assert.Equal(("Casey Client", "casey@example.test", DocumentStatus.Pending, DocumentType.W2, 2025), (row.ClientName, row.ClientEmail, row.Status, row.Type, row.TaxYear));
        Assert.Equal(T0.AddHours(2), row.CreatedAt);
        Assert.Null(row.AssignedToEmail);

        var finished = await new ReviewQueueService(database.Factory).GetPageAsync(Guid.NewGuid(),
            new QueueFilter { Statuses = new HashSet<DocumentStatus> { DocumentStatus.Completed, DocumentStatus.Rejected } });
        Assert.Equal([DocumentStatus.Rejected, DocumentStatus.Completed], finished.Rows.Select(r => r.Status));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Next_and_previous_pages_cover_every_row_once_in_order(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var client = await AddClientAsync(database, "casey@example.test", "Casey", "Client");
        // 11 open rows, several sharing an upload time (ties are broken by id), and closed rows in between that never show.
        var times = new[] { 0, 1, 1, 1, 2, 3, 3, 4, 5, 5, 5 };
        foreach (var hour in times)
        {
            await AddDocumentAsync(database, client, T0.AddHours(hour), hour % 2 == 0 ? DocumentStatus.Pending : DocumentStatus.Processing);
            await AddDocumentAsync(database, client, T0.AddHours(hour), DocumentStatus.Completed);
        }

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(22, await db.Documents.CountAsync());
        }

        var expected = await ExpectedOrderAsync(database);
        var service = new ReviewQueueService(database.Factory);
        var me = Guid.NewGuid();

        var pages = new List<Page<QueueRow>> { await service.GetPageAsync(me, new QueueFilter(), pageSize: 3) };
        while (pages[^1].HasNext)
        {
            pages.Add(await service.GetPageAsync(me, new QueueFilter(), after: pages[^1].Last, pageSize: 3));
        }

        Assert.Equal(4, pages.Count);
        Assert.Equal([3, 3, 3, 2], pages.Select(p => p.Rows.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Equal([false, true, true, true], pages.Select(p => p.HasPrevious));

        // Back from the last page: the same pages in reverse, ending on the first page.
        var back = new List<Page<QueueRow>> { pages[^1] };
        while (back[^1].HasPrevious)
        {
            back.Add(await service.GetPageAsync(me, new QueueFilter(), before: back[^1].First, pageSize: 3));
        }

        Assert.Equal(pages.Select(p => p.Rows.Select(r => r.Id).ToList()).Reverse(), back.Select(p => p.Rows.Select(r => r.Id).ToList()));
        Assert.All(back.Skip(1), p => Assert.True(p.HasNext));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_filter_narrows_the_queue(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        var casey = await AddClientAsync(database, "casey@example.test", "Casey", "Client");
        var jordan = await AddClientAsync(database, "j.smith@example.test", "Jordan", "Smithers");
        var noProfile = await AddClientAsync(database, "anon@example.test", null, null);
        var me = await AddClientAsync(database, "parker@example.test", "Parker", "Preparer");
        var colleague = await AddClientAsync(database, "pat@example.test", "Pat", "Preparer");

        var w2 = await AddDocumentAsync(database, casey, T0, DocumentStatus.Pending, DocumentType.W2, 2025);
        var form1099 = await AddDocumentAsync(database, casey, T0.AddHours(1), DocumentStatus.Processing, DocumentType.Form1099, 2025, assignee: me);
        var oldYear = await AddDocumentAsync(database, jordan, T0.AddHours(2), DocumentStatus.Processing, DocumentType.W2, 2024, assignee: colleague);
        var anon = await AddDocumentAsync(database, noProfile, T0.AddHours(3), DocumentStatus.Pending, DocumentType.Id, 2025);
        var service = new ReviewQueueService(database.Factory);

        async Task<IEnumerable<Guid>> Ids(QueueFilter filter) => (await service.GetPageAsync(me, filter)).Rows.Select(r => r.Id);

        Assert.Equal([w2, form1099, oldYear, anon], await Ids(new QueueFilter()));
        Assert.Equal([w2, oldYear], await Ids(new QueueFilter { Type = DocumentType.W2 }));
        Assert.Equal([oldYear], await Ids(new QueueFilter { TaxYear = 2024 }));
        Assert.Equal([oldYear], await Ids(new QueueFilter { Type = DocumentType.W2, TaxYear = 2024 }));
        Assert.Equal([form1099], await Ids(new QueueFilter { Assignee = QueueAssignee.Me }));
        Assert.Equal([w2, anon], await Ids(new QueueFilter { Assignee = QueueAssignee.Unassigned }));
        Assert.Equal([w2, form1099, oldYear, anon], await Ids(new QueueFilter { Assignee = QueueAssignee.Anyone }));

        // Search: first name, last name, full name, e-mail; case-insensitive and trimmed.
        Assert.Equal([w2, form1099], await Ids(new QueueFilter { Search = "  casey " }));
        Assert.Equal([oldYear], await Ids(new QueueFilter { Search = "SMITHERS" }));
        Assert.Equal([oldYear], await Ids(new QueueFilter { Search = "jordan smith" }));
        Assert.Equal([oldYear], await Ids(new QueueFilter { Search = "J.Smith@Example" }));
        Assert.Equal([anon], await Ids(new QueueFilter { Search = "anon@" }));
        Assert.Empty(await Ids(new QueueFilter { Search = "nobody" }));
        Assert.Equal([w2, form1099, oldYear, anon], await Ids(new QueueFilter { Search = "   " }));
        Assert.Equal([w2, form1099, oldYear, anon], await Ids(new QueueFilter { Search = "example.test" }));
        Assert.Equal(100, new QueueFilter { Search = new string('a', 150) }.NormalizedSearch!.Length);

        var page = await service.GetPageAsync(me, new QueueFilter { Assignee = QueueAssignee.Me });
        Assert.Equal("parker@example.test", page.Rows.Single().AssignedToEmail);
        Assert.Equal(me, page.Rows.Single().AssignedToId);

        // Colleagues see who claimed a document by name (their profile's), not by address.
        Assert.Equal("Parker Preparer", page.Rows.Single().Assignee);
        Assert.Equal("Pat Preparer", (await service.GetPageAsync(me, new QueueFilter { Search = "jordan" })).Rows.Single().Assignee);
        Assert.Equal("anon@example.test", (await service.GetPageAsync(me, new QueueFilter { Search = "anon" })).Rows.Single().ClientName);
    }

    internal static async Task<Guid> AddClientAsync(TestDatabase database, string email, string? first, string? last)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var user = new ApplicationUser { UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant() };
        db.Users.Add(user);
        if (first is not null && last is not null)
        {
            db.Profiles.Add(new Profile { UserId = user.Id, FirstName = first, LastName = last });
        }

        await db.SaveChangesAsync();
        return user.Id;
    }

    internal static async Task<Guid> AddDocumentAsync(TestDatabase database, Guid userId, DateTime createdAt, DocumentStatus status,
        DocumentType type = DocumentType.W2, int taxYear = 2025, Guid? assignee = null)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var document = new Document
        {
            UserId = userId,
            Type = type,
            TaxYear = taxYear,
            FileName = $"{type}-{createdAt:HHmm}.pdf",
            FileSize = 1234,
            ContentType = "application/pdf",
            Sha256 = new string('0', 64),
            StorageKey = Guid.NewGuid().ToString("N"),
            Status = status,
            AssignedToId = assignee,
        };
        db.Documents.Add(document);
        await db.SaveChangesAsync();
        // The timestamp interceptor stamps CreatedAt with the clock; the queue's order is set here explicitly.
        await db.Documents.Where(d => d.Id == document.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.CreatedAt, createdAt));
        return document.Id;
    }

    /// <summary>The order both providers use: upload time, then id as the database orders it (text on SQLite, uuid bytes on PostgreSQL — the same).</summary>
    private static async Task<List<Guid>> ExpectedOrderAsync(TestDatabase database)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var open = await db.Documents.AsNoTracking().Where(d => d.Status == DocumentStatus.Pending || d.Status == DocumentStatus.Processing)
            .Select(d => new { d.Id, d.CreatedAt }).ToListAsync();
        return open.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id.ToString(), StringComparer.OrdinalIgnoreCase).Select(d => d.Id).ToList();
    }
}
