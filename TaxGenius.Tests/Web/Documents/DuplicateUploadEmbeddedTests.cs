using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Documents;

/// <summary>The same file uploaded twice on the embedded SQLite store (the `dotnet run` default), through the services the pages call.</summary>
public sealed class DuplicateUploadEmbeddedTests
{
    [Fact]
    public async Task A_copy_is_named_kept_and_shown_to_staff_on_sqlite()
    {
        await using var app = TaxGeniusAppFactory.CreateEmbedded();
        var userId = await app.CreateUserAsync("sqlite.copy@example.test", Roles.Client);
        var documents = app.Services.GetRequiredService<ClientDocumentService>();
        var year = TaxYears.Current(TimeProvider.System);
        var bytes = SampleFiles.Pdf();

        var first = await UploadAsync("w2.pdf");
        var copy = await UploadAsync("w2 copy.pdf");
        Assert.Null(first.Duplicate);
        Assert.Equal((first.Id, "w2.pdf", DocumentStatus.Pending), (copy.Duplicate?.DocumentId, copy.Duplicate?.FileName, copy.Duplicate?.Status));
        var listed = await documents.ListAsync(userId);
        Assert.Equal(first.Id, listed.Single(d => d.Id == copy.Id).Duplicate?.DocumentId);
        Assert.Equal(1, await documents.CountAskingOwnerAsync(userId));

        Assert.True(await documents.KeepDuplicateAsync(userId, copy.Id));
        Assert.Null((await documents.FindAsync(userId, copy.Id))!.Duplicate);
        Assert.Equal(0, await documents.CountAskingOwnerAsync(userId));
        Assert.False(await documents.KeepDuplicateAsync(Guid.NewGuid(), copy.Id));

        var detail = await app.Services.GetRequiredService<StaffDocumentService>().GetDetailAsync(first.Id);
        Assert.Equal([copy.Id], detail!.SameFile!.Select(s => s.Id));

        async Task<DocumentView> UploadAsync(string name)
        {
            using var content = new MemoryStream(bytes);
            var result = await documents.UploadAsync(userId, new UploadRequest(name, DocumentType.W2, year), content, content.Length);
            return result.Document ?? throw new InvalidOperationException(result.Error);
        }
    }
}
