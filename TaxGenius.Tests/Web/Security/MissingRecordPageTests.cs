using System.Globalization;
using System.Net;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// A page whose address names a record that does not exist (or is not the asker's) answers 404, not 200, while it still says so in
/// its own words: a crawler, a scanner or an uptime check sees a missing page as missing, and nothing of the record is shown.
/// </summary>
public sealed class MissingRecordPageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Staff_asking_for_a_record_that_does_not_exist_get_a_404_with_the_page_s_own_words()
    {
        using var staff = await app.Factory.SignInAsync(DemoAccounts.Preparer);
        var pages = new[]
        {
            ("/preparer/documents/{0}", "Document not found"),
            ("/preparer/engagements/{0}", "Engagement not found"),
            ("/preparer/engagements/{0}/signatures/new", "Engagement not found"),
            ("/preparer/signatures/{0}", "Signature request not found"),
            ("/preparer/inbox/{0}", "There is no such conversation."),
        };

        foreach (var (path, words) in pages)
        {
            using var response = await staff.GetAsync(string.Format(CultureInfo.InvariantCulture, path, Guid.CreateVersion7()));

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var page = await response.Content.ReadAsStringAsync();
            Assert.True(page.Contains(words, StringComparison.Ordinal), $"{path} should say \"{words}\"");
            Assert.DoesNotContain("We could not find that page", page, StringComparison.Ordinal);
        }

        // The same pages for a record that exists answer 200.
        using var existing = await staff.GetAsync($"/preparer/inbox/{await app.Factory.UserIdAsync(DemoAccounts.Client)}");
        Assert.Equal(HttpStatusCode.OK, existing.StatusCode);
        Assert.DoesNotContain("There is no such conversation.", await existing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
