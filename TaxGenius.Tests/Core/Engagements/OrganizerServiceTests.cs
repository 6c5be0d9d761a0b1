using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>The organizer on both providers: a year rolled forward from the last, the questionnaire adding and removing items, own data only.</summary>
public sealed class OrganizerServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2027, 1, 12, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Starting_a_year_rolls_last_years_employers_and_payers_forward_with_the_template_and_sends_the_request(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test", "Casey", "Client");

        // 2025: two employers and a bank; a brokerage 1099-B the client said did not apply; a recent photo ID on file.
        var last = await services.Engagements.EnsureAsync(casey, 2025);
        Assert.True((await services.Requests.RequestAsync(pat, last.Id,
        [
            new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp"),
            new NewRequestItem(RequestKind.W2, "W-2 from Globex"),
            new NewRequestItem(RequestKind.Form1099Int, "1099-INT from First Bank"),
            new NewRequestItem(RequestKind.Form1099B, "1099-B from Old Broker"),
        ])).Succeeded);
        var brokerItem = (await services.Requests.ListAsync(last.Id)).Single(i => i.Kind == RequestKind.Form1099B);
        Assert.True((await services.Requests.MarkNotApplicableAsync(casey, brokerItem.Id, "Closed that account")).Succeeded);
        await TestDocuments.AddAsync(database, casey, "id.jpg", DocumentType.Id, 2025);

        var started = await services.Organizer.StartYearAsync(pat, casey, 2026);
        Assert.True(started.Succeeded, started.Error);
        Assert.Equal(EngagementStage.DocumentsRequested, started.Stage);

        var items = await services.Requests.ListForClientAsync(casey, 2026);
        Assert.Equal(["W-2 from Acme Corp", "W-2 from Globex", "1099-INT from First Bank"],
            items.Where(i => i.Kind is RequestKind.W2 or RequestKind.Form1099Int).Select(i => i.Description));
        Assert.DoesNotContain(items, i => i.Kind is RequestKind.Form1099B or RequestKind.PriorReturn or RequestKind.PhotoId);
        Assert.Contains(items, i => i is { Kind: RequestKind.Other, Required: false }); // the template's "letters from the IRS"
        Assert.All(items, i => Assert.Equal(RequestItemStatus.Open, i.Status));

        // Once only; the client got one request e-mail listing every item.
        Assert.False((await services.Organizer.StartYearAsync(pat, casey, 2026)).Succeeded);
        await using var db = await database.Factory.CreateDbContextAsync();
        var email = await db.QueuedEmails.AsNoTracking().Where(e => e.Template == "documents-requested" && e.To == "casey@example.test")
            .Where(e => e.Subject.Contains("2026")).SingleAsync();
        Assert.Contains("W-2 from Globex", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("2026", email.Subject, StringComparison.Ordinal);

        // A new client gets the whole template: photo ID, prior-year return, W-2s.
        var newcomer = await TestUsers.CreateAsync(database, "nina@example.test", "Nina", "New");
        Assert.True((await services.Organizer.StartYearAsync(pat, newcomer, 2026)).Succeeded);
        var fresh = await services.Requests.ListForClientAsync(newcomer, 2026);
        Assert.Equal(OrganizerService.DefaultTemplate.Select(t => t.Description), fresh.Select(i => i.Description));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Starting_the_year_in_bulk_covers_every_client_of_last_year_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var returning = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var client = await TestUsers.CreateAsync(database, $"client{i}@example.test", $"Client{i}", "Returning");
            await services.Engagements.EnsureAsync(client, 2025);
            returning.Add(client);
        }

        await TestUsers.CreateAsync(database, "nobody@example.test"); // no 2025 engagement: not part of the rollover
        var reports = new List<(int Done, int Total)>();
        Assert.Equal(3, await services.Organizer.StartYearForAllAsync(pat, 2026, new SynchronousProgress(reports)));
        Assert.Equal((3, 3), reports[^1]);
        Assert.Equal(0, await services.Organizer.StartYearForAllAsync(pat, 2026));
        foreach (var client in returning)
        {
            Assert.NotEmpty(await services.Requests.ListForClientAsync(client, 2026));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Questionnaire_answers_add_and_remove_items_autosave_and_stay_the_clients_own(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test"), "pat@example.test", null);
        var casey = await TestUsers.CreateAsync(database, "casey@example.test", "Casey", "Client");
        var mallory = await TestUsers.CreateAsync(database, "mallory@example.test", "Mallory", "Other");
        Assert.False((await services.Organizer.AnswerAsync(casey, 2026, "bought-home", true)).Succeeded); // not started yet
        Assert.True((await services.Organizer.StartYearAsync(pat, casey, 2026)).Succeeded);
        var before = (await services.Requests.ListForClientAsync(casey, 2026)).Count;

        Assert.True((await services.Organizer.AnswerAsync(casey, 2026, "bought-home", true)).Succeeded);
        Assert.True((await services.Organizer.AnswerAsync(casey, 2026, "bought-home", true)).Succeeded); // twice: still one set
        Assert.True((await services.Organizer.AnswerAsync(casey, 2026, "hsa", false)).Succeeded);
        Assert.False((await services.Organizer.AnswerAsync(casey, 2026, "no-such-question", true)).Succeeded);
        var items = await services.Requests.ListForClientAsync(casey, 2026);
        Assert.Equal(before + 2, items.Count);
        Assert.Single(items, i => i.Kind == RequestKind.Form1098);

        // Saved as given, unfinished: the client comes back later and the preparer sees the same answers.
        var saved = await services.Organizer.ForClientAsync(casey, 2026);
        Assert.NotNull(saved);
        Assert.Equal(new Dictionary<string, bool> { ["bought-home"] = true, ["hsa"] = false }, saved.Answers);
        Assert.Null(saved.CompletedAt);
        Assert.Equal(saved.Answers, (await services.Organizer.ForEngagementAsync(saved.EngagementId))!.Answers);

        // Changing the answer removes the items the client has not answered; an answered one stays.
        var closing = items.Single(i => i.Description.StartsWith("Closing disclosure", StringComparison.Ordinal));
        Assert.True((await services.Requests.MarkNotApplicableAsync(casey, closing.Id, "Bought it with cash")).Succeeded);
        Assert.True((await services.Organizer.AnswerAsync(casey, 2026, "bought-home", false)).Succeeded);
        var after = await services.Requests.ListForClientAsync(casey, 2026);
        Assert.DoesNotContain(after, i => i.Kind == RequestKind.Form1098);
        Assert.Contains(after, i => i.Id == closing.Id);
        Assert.True((await services.Organizer.FinishAsync(casey, 2026)).Succeeded);
        Assert.NotNull((await services.Organizer.ForClientAsync(casey, 2026))!.CompletedAt);

        // Another client reaches none of it: no organizer, no items, no answers.
        Assert.Null(await services.Organizer.ForClientAsync(mallory, 2026));
        Assert.False((await services.Organizer.AnswerAsync(mallory, 2026, "bought-home", true)).Succeeded);
        Assert.Empty(await services.Requests.ListForClientAsync(mallory, 2026));
        Assert.Equal(after.Count, (await services.Requests.ListForClientAsync(casey, 2026)).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_firms_template_is_what_a_new_year_asks_for_once_an_admin_saves_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var admin = new AuditActor(await TestUsers.CreateAsync(database, "admin@example.test"), "admin@example.test", null);
        Assert.Equal(OrganizerService.DefaultTemplate, await services.Organizer.TemplateAsync());

        Assert.NotNull(await services.Organizer.SaveTemplateAsync(admin, []));
        Assert.NotNull(await services.Organizer.SaveTemplateAsync(admin, [new TemplateLine(RequestKind.Other, "  ", true, false)]));
        TemplateLine[] firm =
        [
            new(RequestKind.PhotoId, "Photo ID", true, false),
            new(RequestKind.Other, "Engagement letter, signed", true, false),
            new(RequestKind.PriorReturn, "Last year's return", true, true),
        ];
        Assert.Null(await services.Organizer.SaveTemplateAsync(admin, firm));
        Assert.Equal(firm, await services.Organizer.TemplateAsync());

        var client = await TestUsers.CreateAsync(database, "new@example.test", "New", "Client");
        Assert.True((await services.Organizer.StartYearAsync(admin, client, 2026)).Succeeded);
        Assert.Equal(firm.Select(t => t.Description), (await services.Requests.ListForClientAsync(client, 2026)).Select(i => i.Description));
    }

    /// <summary><see cref="Progress{T}"/> reports on the thread pool, later; this one records each report as it is made.</summary>
    private sealed class SynchronousProgress(List<(int Done, int Total)> reports) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => reports.Add(value);
    }
}
