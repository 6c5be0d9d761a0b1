using Microsoft.AspNetCore.Components;
using TaxGenius.Core.Compliance;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Admin;

public partial class AccessReportPanel
{
    private const int ShownRows = 200;

    [Inject] private AccessReportService Reports { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private sealed record Choice(Guid Id, string Label);

    private AccessReportScope scope = AccessReportScope.StaffMember;
    private Choice? who;
    private DateTime? from;
    private DateTime? to;
    private AccessReport? report;
    private string? error;
    private bool running;

    private string WhoLabel => scope switch
    {
        AccessReportScope.Client => "Client",
        AccessReportScope.ApiToken => "API token (name, prefix or owner)",
        _ => "Staff member",
    };

    protected override void OnInitialized()
    {
        var today = Clock.GetUtcNow().UtcDateTime.Date;
        to = today;
        from = today.AddDays(-30);
    }

    private Task ScopeChangedAsync(AccessReportScope value)
    {
        scope = value;
        who = null;
        report = null;
        return Task.CompletedTask;
    }

    private async Task<IEnumerable<Choice>> FindAsync(string? text, CancellationToken cancellationToken) =>
        (await Reports.FindAsync(scope, text, cancellationToken)).Select(p => new Choice(p.Id, p.Label));

    private async Task RunAsync()
    {
        error = null;
        if (who is null || from is null || to is null)
        {
            error = $"Choose the {WhoLabel.ToLowerInvariant()} and both days.";
            return;
        }

        var request = new AccessReportRequest(scope, who.Id, DateOnly.FromDateTime(from.Value), DateOnly.FromDateTime(to.Value));
        if (request.Refusal is { } refusal)
        {
            error = refusal;
            return;
        }

        running = true;
        try
        {
            await DatabaseErrors.RunAsync(async () => report = await Reports.BuildAsync(request));
        }
        finally
        {
            running = false;
        }
    }
}
