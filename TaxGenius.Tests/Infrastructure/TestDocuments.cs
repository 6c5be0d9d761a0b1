using TaxGenius.Core.Documents;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>Document rows written straight into a test database (no file in a store): what a service reads, not what it opens.</summary>
public static class TestDocuments
{
    /// <summary>Adds a document row for <paramref name="owner"/>; returns its id.</summary>
    public static async Task<Guid> AddAsync(TestDatabase database, Guid owner, string name = "w2.pdf", DocumentType type = DocumentType.W2,
        int taxYear = 2025)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var db = await database.Factory.CreateDbContextAsync();
        var document = new Document
        {
            UserId = owner, FileName = name, ContentType = "application/pdf", Sha256 = new string('a', 64), StorageKey = Guid.NewGuid().ToString("N"),
            Type = type, TaxYear = taxYear,
        };
        db.Documents.Add(document);
        await db.SaveChangesAsync();
        return document.Id;
    }
}
