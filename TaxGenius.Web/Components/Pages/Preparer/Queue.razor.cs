using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Preparer;

public partial class Queue
{
    private const int PageSize = 50;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;

    private MudDataGrid<QueueRow>? grid;
    private IReadOnlyDictionary<DocumentStatus, int>? counts;
    private IReadOnlyList<int> years = [];
    private HashSet<DocumentStatus> statuses = [.. QueueFilter.OpenStatuses];
    private DocumentType? type;
    private int? taxYear;
    private QueueAssignee assignee = QueueAssignee.Anyone;
    private string? search;
    private bool needsCheck;
    private int? needsCheckCount;

    /// <summary>Set by the pager: moving a page changes neither the filters nor the rows, so the chip keeps its count (like the status chips).</summary>
    private bool keepNeedsCheckCount;

    // Where the list is (reloaded as it is after an action) and the page on screen (its cursors lead on).
    private readonly PageNavigation navigation = new();
    private Page<QueueRow>? page;
    private readonly HashSet<Guid> selected = [];
    private bool busy;

    private Guid me;
    private ClaimsPrincipal user = new();

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthenticationState).User;
        me = user.GetUserId();
        years = TaxYears.Selectable(Clock);
        counts = await HomeService.GetDocumentCountsAsync();
    }

    private QueueFilter Filter => new()
    {
        Statuses = statuses,
        Type = type,
        TaxYear = taxYear,
        Assignee = assignee,
        Search = search,
        NeedsCheck = needsCheck,
    };

    /// <summary>Only what recognition flagged (another form or year than the client chose, or unsure), or everything again.</summary>
    private Task ToggleNeedsCheckAsync()
    {
        needsCheck = !needsCheck;
        return ReloadFromStartAsync();
    }

    private async Task<GridData<QueueRow>> LoadAsync(GridState<QueueRow> state, CancellationToken cancellationToken)
    {
        var countAgain = !keepNeedsCheckCount;
        keepNeedsCheckCount = false;

        // The database is away: keep what is on screen (the snackbar says so); the next click loads again.
        if (!await DatabaseErrors.RunAsync(async () =>
                page = await QueueService.GetPageAsync(me, Filter, navigation.After, navigation.Before, PageSize, cancellationToken)) || page is null)
        {
            return new GridData<QueueRow> { Items = page?.Rows ?? [], TotalItems = page?.Rows.Count ?? 0 };
        }

        navigation.Loaded(page);
        if (countAgain)
        {
            await DatabaseErrors.RunAsync(async () => needsCheckCount = await QueueService.CountNeedsCheckAsync(me, Filter, cancellationToken));
        }

        // The chip is outside the grid, which re-renders only itself after loading.
        StateHasChanged();

        // Selection is per page: an action applies to what is on screen.
        selected.IntersectWith(page.Rows.Select(r => r.Id));
        return new GridData<QueueRow> { Items = page.Rows, TotalItems = page.Rows.Count };
    }

    private async Task ReloadAsync()
    {
        if (grid is not null)
        {
            await grid.ReloadServerData();
        }
    }

    private Task ReloadFromStartAsync()
    {
        navigation.Reset();
        selected.Clear();
        return ReloadAsync();
    }

    /// <summary>The pager moved: selection is per page.</summary>
    private Task MoveAsync()
    {
        selected.Clear();
        keepNeedsCheckCount = true;
        return ReloadAsync();
    }

    private Task ToggleStatusAsync(DocumentStatus status)
    {
        if (!statuses.Remove(status))
        {
            statuses.Add(status);
        }

        if (statuses.Count == 0)
        {
            // No chip on means the default view again, not an empty queue.
            statuses = [.. QueueFilter.OpenStatuses];
        }

        return ReloadFromStartAsync();
    }

    private void Select(Guid id, bool on)
    {
        if (on)
        {
            selected.Add(id);
        }
        else
        {
            selected.Remove(id);
        }
    }

    private AuditActor Actor() => Client.ActorFor(user);

    private async Task ClaimAsync(QueueRow row)
    {
        await RunAsync(async () =>
        {
            var result = await StatusService.ClaimAsync(Actor(), row.Id, row.Version);
            if (result.Succeeded)
            {
                Snackbar.Add($"Claimed {row.FileName}: it is yours and now PROCESSING.", Severity.Success);
            }
            else
            {
                Snackbar.Add(result.Error ?? "The document was not claimed.", result.Conflict ? Severity.Warning : Severity.Error);
            }
        });
    }

    private Task BulkClaimAsync() => RunAsync(async () =>
        Report(await StatusService.ClaimManyAsync(Actor(), selected.ToList()), "claimed"));

    private Task BulkCompleteAsync() => RunAsync(async () =>
        Report(await StatusService.CompleteManyAsync(Actor(), selected.ToList()), "completed"));

    private void Report(BulkResult result, string verb)
    {
        if (result.Failures.Count == 0)
        {
            Snackbar.Add($"{result.Succeeded} {verb}.", Severity.Success);
            return;
        }

        var reasons = string.Join(" ", result.Failures.Select(f => f.Error).Distinct().Take(3));
        Snackbar.Add($"{result.Succeeded} {verb}, {result.Failures.Count} not: {reasons}", result.Succeeded == 0 ? Severity.Error : Severity.Warning);
    }

    /// <summary>Runs an action, then shows the current page again as it is now, with fresh counts.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        busy = true;
        try
        {
            if (!await DatabaseErrors.RunAsync(action))
            {
                return;
            }
        }
        finally
        {
            busy = false;
        }

        selected.Clear();
        await DatabaseErrors.RunAsync(async () => counts = await HomeService.GetDocumentCountsAsync());
        await ReloadAsync();
    }
}
