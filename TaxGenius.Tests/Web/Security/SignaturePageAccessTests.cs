using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Signatures;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// The signing pages over HTTP, as a browser asks for them: a client opens their own signer row; another client asking for it by id,
/// a made-up invitation link and a visitor get no title, no name and no document.
/// </summary>
public sealed class SignaturePageAccessTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Only_the_signer_sees_the_request_and_another_client_asking_by_id_gets_nothing()
    {
        var taylor = await app.Factory.CreateUserAsync("taylor.page@example.test", Roles.Client);
        await app.Factory.CreateUserAsync("riley.page@example.test", Roles.Client);
        var services = app.Factory.Services;
        var engagement = await services.GetRequiredService<EngagementService>().EnsureAsync(taylor, 2025);
        var signatures = services.GetRequiredService<SignatureService>();
        var preparer = new AuditActor(await app.Factory.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);
        const string title = "Engagement letter PAGEMARKER";
        var draft = await signatures.CreateDraftAsync(preparer, engagement.Id,
            new SignatureDraftInput(SignatureDocumentKind.EngagementLetter, title, "letter.pdf", null, 14, null, null, null, null),
            new MemoryStream(SampleForms.Form8879(2025, "Taylor Page", pages: 1)));
        Assert.True(draft.Succeeded, draft.Error);
        Assert.True((await signatures.SendAsync(preparer, draft.Id!.Value)).Succeeded);
        var signer = (await signatures.DetailAsync(draft.Id.Value))!.Signers.Single();

        using var owner = await app.Factory.SignInAsync("taylor.page@example.test");
        Assert.Contains("PAGEMARKER", await owner.GetStringAsync($"/client/signatures/{signer.Id}"), StringComparison.Ordinal);

        // Another client, and a visitor guessing a link: a 404 that says the link does not work, and nothing of the request.
        using var other = await app.Factory.SignInAsync("riley.page@example.test");
        using var refused = await other.GetAsync($"/client/signatures/{signer.Id}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PAGEMARKER", refusedPage, StringComparison.Ordinal);
        Assert.Contains("signing-not-found", refusedPage, StringComparison.Ordinal);

        using var visitor = app.Factory.CreateClient();
        using var guessed = await visitor.GetAsync($"/sign/{new string('0', 64)}");
        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
        var guessedPage = await guessed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PAGEMARKER", guessedPage, StringComparison.Ordinal);
        Assert.Contains("signing-not-found", guessedPage, StringComparison.Ordinal);
    }
}
