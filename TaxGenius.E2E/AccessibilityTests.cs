using System.Reflection;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Signatures;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaxGenius.E2E;

/// <summary>
/// axe-core over every page each role can reach (taken from the app's own routes, so a new page is checked without anyone adding it
/// here), in the light and the dark theme: no serious or critical violation anywhere, and a sound outline (one h1, headings in
/// order, every table column named); and on a phone-sized screen, no page wider
/// than the screen and none of those faults there either.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, SharedApp shared, ITestOutputHelper output) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private TaxGeniusAppFactory App => shared.App;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await browser.CloseContextsAsync();
        var violations = browser.TakeCspViolations();
        Assert.True(violations.Count == 0, "Content Security Policy refusals: " + string.Join(Environment.NewLine, violations));
    }

    /// <summary>Who visits: the landing and account pages signed out, then each demo role.</summary>
    public static TheoryData<string?, string> Visitors => new()
    {
        { null, "light" }, { null, "dark" },
        { DemoAccounts.Client, "light" }, { DemoAccounts.Client, "dark" },
        { DemoAccounts.Preparer, "light" }, { DemoAccounts.Preparer, "dark" },
        { DemoAccounts.Referrer, "light" }, { DemoAccounts.Referrer, "dark" },
        { DemoAccounts.Admin, "light" }, { DemoAccounts.Admin, "dark" },
    };

    [Theory]
    [MemberData(nameof(Visitors))]
    public async Task Every_page_of_the_role_has_no_serious_or_critical_violation(string? email, string theme)
    {
        var scheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var page = await browser.NewPageAsync(App.BaseAddress, scheme);
        var failures = new List<string>();
        var visited = await VisitEveryPageAsync(page, email, failures, (asked, found) => CheckAxeAsync(page, $"{theme} {page.PathOf()} (asked {asked})", found));

        Assert.True(visited >= 3, $"Only {visited} pages were visited.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Who visits on a phone: signed out and each demo role, in the dark theme most phones use at night.</summary>
    public static TheoryData<string?> PhoneVisitors => new() { null, DemoAccounts.Client, DemoAccounts.Preparer, DemoAccounts.Referrer, DemoAccounts.Admin };

    /// <summary>
    /// Every page of the role on a 390 × 844 phone: nothing is wider than the screen (a table or a toolbar that pushes the page sideways
    /// hides its last column or button off-screen), and axe finds nothing serious at that width. Each page is saved as a screenshot (phone-…) for a person to look at.
    /// </summary>
    [Theory]
    [MemberData(nameof(PhoneVisitors))]
    public async Task Every_page_of_the_role_fits_a_phone_screen(string? email)
    {
        var page = await browser.NewPageAsync(App.BaseAddress, ColorScheme.Dark, new ViewportSize { Width = 390, Height = 844 });
        var who = email is null ? "visitor" : DemoAccounts.All.Single(a => a.Email == email).Role.ToLowerInvariant();
        var failures = new List<string>();
        var visited = await VisitEveryPageAsync(page, email, failures, async (asked, faults) =>
        {
            // The document's own width, not the window's: a wide element inside a scrolling container (a grid) is fine.
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 1)
            {
                faults.Add($"{page.PathOf()} (asked {asked}) is {overflow} px wider than the screen");
            }

            // A grid stacked for the phone (label, then value) must fit: one unbroken e-mail once made every audit row wider than its
            // card, and the scrolling region around it cut each value off at the right without widening the page.
            var cut = await page.EvaluateAsync<int>(
                "() => Math.max(0, ...[...document.querySelectorAll('.mud-xs-table table')].map(t => Math.round(t.getBoundingClientRect().right) - document.documentElement.clientWidth))");
            if (cut > 1)
            {
                faults.Add($"{page.PathOf()} (asked {asked}) has a stacked table {cut} px wider than the screen");
            }

            // The account settings' tabs are one row that scrolls sideways, with the chosen tab in view: they had wrapped into five
            // ragged rows, and a scrolled row opened on "Close account" would hide the tab that says where the person is.
            var tabs = await page.EvaluateAsync<string?>(
                "() => { const s = document.querySelector('.tg-tabs'); if (!s) return null; const tops = new Set([...s.querySelectorAll('.tg-tab')].map(t => Math.round(t.getBoundingClientRect().top)));" +
                " const a = s.querySelector('.tg-tab.active'); if (!a) return 'no tab is marked as chosen'; const r = a.getBoundingClientRect(), w = s.getBoundingClientRect();" +
                " return tops.size > 1 ? `the tabs wrap into ${tops.size} rows` : (r.left < w.left - 1 || r.right > w.right + 1) ? `the chosen tab \"${a.textContent.trim()}\" is scrolled out of view` : ''; }");
            if (!string.IsNullOrEmpty(tabs))
            {
                faults.Add($"{page.PathOf()} (asked {asked}): {tabs}");
            }

            // A table wider than the phone scrolls inside its region: axe at this width also finds a region a keyboard cannot scroll
            // (scrollable-region-focusable), which a desktop-wide window never shows.
            await CheckAxeAsync(page, $"phone {page.PathOf()} (asked {asked})", faults);

            // Named by route, not by the demo rows' ids, so a run's screenshots replace the last run's.
            var slug = System.Text.RegularExpressions.Regex.Replace(page.PathOf().Trim('/'), "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "id").Replace('/', '-');
            await page.ScreenshotAsync($"phone-{who}-{(slug.Length == 0 ? "home" : slug)}");
        });

        Assert.True(visited >= 3, $"Only {visited} pages were visited.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Rules about how a page is laid out for a screen reader that axe rates only moderate or minor, held to anyway: a person who
    /// moves by headings starts at the page's one h1 and goes down a level at a time (page titles had been h4, card titles h6,
    /// and figures like "42" were headings), and every column of a table has a header to read.
    /// </summary>
    private static readonly HashSet<string> OutlineRules = ["page-has-heading-one", "heading-order", "empty-table-header"];

    /// <summary>Runs axe on the page as it is and adds each serious or critical violation (and any of <see cref="OutlineRules"/>), after <paramref name="where"/>, to <paramref name="failures"/>.</summary>
    private static async Task CheckAxeAsync(IPage page, string where, List<string> failures)
    {
        // A page axe cannot finish on is a failure with its name, not a run that hangs until the blame collector kills it.
        Deque.AxeCore.Commons.AxeResult result;
        try
        {
            // The app's own markup only: the frames show a client's document or an e-mail in a sandbox (no scripts), where axe
            // cannot run and would wait forever.
            result = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions { Iframes = false }).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            failures.Add($"{where}: axe did not finish within 60 s");
            await page.GotoAsync("about:blank");
            return;
        }

        // Hangfire's dashboard is its own markup (an h1, then h3 panels), not the app's to change.
        var ours = !page.PathOf().StartsWith("/admin/jobs", StringComparison.Ordinal);
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical" || (ours && OutlineRules.Contains(v.Id))))
        {
            failures.Add($"{where}: {violation.Id} ({violation.Impact}) — " +
                string.Join(" | ", violation.Nodes.Take(3).Select(n => string.Join(' ', n.Target) + ": " + (n.Any?.FirstOrDefault()?.Message ?? n.Html))));
        }
    }

    /// <summary>
    /// Signs <paramref name="email"/> in (or stays signed out) and opens every page the role may reach, each once, calling
    /// <paramref name="check"/> with the path asked for and a list for what it finds wrong, once the page has loaded; what it finds goes
    /// into <paramref name="failures"/>. Returns how many pages were checked.
    /// </summary>
    private async Task<int> VisitEveryPageAsync(IPage page, string? email, List<string> failures, Func<string, List<string>, Task> check)
    {
        var roles = new List<string>();
        if (email is not null)
        {
            var signIn = new SignInPage(page, App);
            await signIn.OpenAsync();
            await signIn.SignInAsync(email, TaxGeniusAppFactory.DemoPassword);
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
            roles.Add(DemoAccounts.All.Single(a => a.Email == email).Role);
        }

        var documentId = await AnyDocumentIdAsync();
        var engagementId = await AnyEngagementIdAsync();
        var clientId = await App.UserIdAsync(DemoAccounts.Client);
        var (signatureId, signerId) = await shared.OnceAsync("signature request", () => SignatureRequestAsync(engagementId));
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in RoutesFor(roles))
        {
            // A route with an id opens a real row: an engagement's page an engagement, a conversation a client, a document's page a document.
            var id = route.Contains("/engagements/", StringComparison.Ordinal) ? engagementId
                : route.Contains("/inbox/", StringComparison.Ordinal) ? clientId
                : documentId;
            id = route.StartsWith("/preparer/signatures/", StringComparison.Ordinal) ? signatureId : id;
            var path = route.Replace("{Id:guid}", id.ToString(), StringComparison.Ordinal)
                .Replace("{SignerId:guid}", signerId.ToString(), StringComparison.Ordinal)
                .Replace("{Token}", "not-a-valid-invitation", StringComparison.Ordinal);
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
            if (path.StartsWith(ApiDocsPath, StringComparison.Ordinal))
            {
                // The API reference renders in the browser from the OpenAPI document.
                await page.GetByText("TaxGenius API").First.WaitForAsync();
            }
            else if (await page.Locator("#tg-interactive").CountAsync() > 0)
            {
                // Interactive pages: wait for the circuit; the theme follows the browser's scheme once it is connected.
                await page.WaitForInteractiveAsync();
                await page.WaitForTimeoutAsync(300);
                await WaitForLoadedAsync(page);
            }

            if (visited.Add(page.PathOf()))
            {
                // A fault found while the page was still settling (a part that loads on its own, a list sized after it came) is looked
                // at again a moment later; what is still there fails the test, and what went is written to the test's output.
                // A check that left the page (axe that did not finish) is not repeated: what it found stands.
                var found = new List<string>();
                var at = page.Url;
                await check(path, found);
                if (found.Count > 0 && page.Url == at)
                {
                    await page.WaitForTimeoutAsync(1500);
                    var again = new List<string>();
                    await check(path, again);
                    foreach (var gone in found.Except(again))
                    {
                        output.WriteLine($"Gone on a second look: {gone}");
                    }

                    found = again;
                }

                failures.AddRange(found);
            }
        }

        return visited.Count;
    }

    private const string ApiDocsPath = "/api/docs/";

    /// <summary>
    /// Waits (up to 10 s) until no loading bar is on the page: a page's parts load after its first render, and a page checked with
    /// its loading bar showed neither its content nor what is wrong with it. A part still loading after that is checked as it is.
    /// </summary>
    private static async Task WaitForLoadedAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("() => !document.querySelector('.mud-progress-linear .mud-progress-indeterminate')", null, new() { Timeout = 10000 });
        }
        catch (TimeoutException)
        {
            // Checked as it is: a bar that never goes (a document still being read) is part of what the page shows.
        }
    }

    /// <summary>
    /// Administrators' pages that are not Blazor components: the API reference (opened on a tag, so its operations and their
    /// coloured HTTP methods are on screen) and the background-jobs dashboard.
    /// </summary>
    private static readonly string[] AdminToolPages =
        [ApiDocsPath + "#tag/documents", "/admin/jobs", "/admin/jobs/jobs/succeeded", "/admin/jobs/recurring", "/admin/jobs/servers"];

    /// <summary>
    /// The app's page routes a visitor with <paramref name="roles"/> may open: public pages when signed out; the role's pages (their
    /// policy's role, staff pages for preparers and administrators) and Account settings when signed in. Pages that only make sense in
    /// the middle of a flow (a code, a link from an e-mail) are visited too: they answer with their own error or redirect.
    /// </summary>
    private static IEnumerable<string> RoutesFor(IReadOnlyList<string> roles)
    {
        var pages = typeof(TaxGenius.Web.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (Type: t, r.Template)));
        foreach (var (type, template) in pages.OrderBy(p => p.Template, StringComparer.Ordinal))
        {
            var anonymous = type.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
            var policy = type.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy).FirstOrDefault();
            var visible = roles.Count == 0
                ? anonymous
                : !anonymous && (policy is null
                    || (policy == Policies.Staff && roles.Any(Policies.StaffRoles.Contains))
                    || (Policies.RoleByPolicy.TryGetValue(policy, out var role) && roles.Contains(role)));
            if (visible || (roles.Count > 0 && template == "/"))
            {
                yield return template;
            }
        }

        if (roles.Contains(Roles.Admin))
        {
            foreach (var path in AdminToolPages)
            {
                yield return path;
            }
        }
    }

    private async Task<Guid> AnyEngagementIdAsync()
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Engagements.OrderByDescending(e => e.TaxYear).Select(e => e.Id).FirstAsync();
    }

    /// <summary>An engagement letter sent to the demo client (this journey's own database): the signing pages open a real request.</summary>
    private async Task<(Guid Request, Guid Signer)> SignatureRequestAsync(Guid engagementId)
    {
        var signatures = App.Services.GetRequiredService<SignatureService>();
        var preparer = new AuditActor(await App.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, null);
        var draft = await signatures.CreateDraftAsync(preparer, engagementId,
            new SignatureDraftInput(SignatureDocumentKind.EngagementLetter, "Engagement letter", "letter.pdf", null, 14, null, null, null, null),
            new MemoryStream(SampleForms.Form8879(2025, "Casey Client", pages: 1)));
        Assert.True(draft.Succeeded, draft.Error);
        Assert.True((await signatures.SendAsync(preparer, draft.Id!.Value)).Succeeded);
        var request = (await signatures.DetailAsync(draft.Id.Value))!;
        return (request.Id, request.Signers.Single().Id);
    }

    private async Task<Guid> AnyDocumentIdAsync()
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.Documents.OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
    }
}
