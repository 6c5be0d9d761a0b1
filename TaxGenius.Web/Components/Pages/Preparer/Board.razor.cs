using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Engagements;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Preparer;

/// <summary>
/// /preparer/board: the season's returns by stage. A card moves by drag and drop or, from the keyboard, by its menu; a move that
/// lost a race (someone moved the card first) is not applied and the board shows the card where it is now.
/// </summary>
public partial class Board
{
    [Inject] private EngagementBoardService BoardService { get; set; } = default!;
    [Inject] private EngagementService Engagements { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private int loads;
    private EngagementBoard? board;
    private IReadOnlyList<int> years = [];
    private int year;
    private BoardAssignee assignee = BoardAssignee.Anyone;
    private bool overdueOnly;
    private string? search;
    private DateOnly today;
    private ClaimsPrincipal user = new();
    private Guid me;

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthenticationState).User;
        me = user.GetUserId();
        today = BoardService.Today;
        await DatabaseErrors.RunAsync(async () =>
        {
            var known = await BoardService.YearsAsync();
            var current = TaxGenius.Core.Documents.TaxYears.Current(Clock); // the season works on last year's returns
            years = known.Contains(current) ? known : [current, .. known];
            year = current;
            await LoadAsync();
        });
    }

    private async Task LoadAsync()
    {
        board = await BoardService.GetAsync(me, new BoardFilter { TaxYear = year, Assignee = assignee, OverdueOnly = overdueOnly, Search = search });
        loads++;
    }

    private Task ReloadAsync() => DatabaseErrors.RunAsync(LoadAsync);

    private int Count(EngagementStage stage) => board?.Counts.GetValueOrDefault(stage) ?? 0;

    private Task YearChangedAsync(int value)
    {
        year = value;
        return ReloadAsync();
    }

    private Task AssigneeChangedAsync(BoardAssignee value)
    {
        assignee = value;
        return ReloadAsync();
    }

    private Task OverdueChangedAsync(bool value)
    {
        overdueOnly = value;
        return ReloadAsync();
    }

    private Task SearchChangedAsync(string? value)
    {
        search = value;
        return ReloadAsync();
    }

    private async Task DroppedAsync(MudItemDropInfo<BoardCard> drop)
    {
        if (drop.Item is { } card && Enum.TryParse<EngagementStage>(drop.DropzoneIdentifier, out var target) && target != card.Stage)
        {
            await MoveAsync(card, target);
        }
    }

    private async Task MoveAsync(BoardCard card, EngagementStage target)
    {
        string? reason = null;
        if (target == EngagementStage.OnHold)
        {
            var dialog = await Dialogs.ShowAsync<HoldReasonDialog>("Put on hold", new DialogParameters<HoldReasonDialog>
            {
                { d => d.ClientName, card.ClientName },
                { d => d.TaxYear, card.TaxYear },
            }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
            var answer = await dialog.Result;
            if (answer is not { Canceled: false, Data: string given })
            {
                await ReloadAsync(); // the card goes back where it was
                return;
            }

            reason = given;
        }

        await DatabaseErrors.RunAsync(async () =>
        {
            var result = await Engagements.MoveAsync(Client.ActorFor(user), card.Id, target, card.Version, reason);
            Report(card, result, $"{card.ClientName}'s return is now {EngagementStages.Name(target)}.");
        });
        await ReloadAsync();
    }

    private async Task ResumeAsync(BoardCard card)
    {
        await DatabaseErrors.RunAsync(async () =>
        {
            var result = await Engagements.ResumeAsync(Client.ActorFor(user), card.Id, card.Version);
            Report(card, result, $"{card.ClientName}'s return is back in {(result.Stage is { } s ? EngagementStages.Name(s) : "its stage")}.");
        });
        await ReloadAsync();
    }

    private void Report(BoardCard card, EngagementResult result, string success)
    {
        if (result.Succeeded)
        {
            Snackbar.Add(success, Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Error ?? $"{card.ClientName}'s return was not moved.", result.Conflict ? Severity.Warning : Severity.Error);
        }
    }

    private string Since(DateTime changedAt)
    {
        var days = (int)(Clock.GetUtcNow().UtcDateTime - changedAt).TotalDays;
        return days switch
        {
            <= 0 => "moved here today",
            1 => "here 1 day",
            _ => $"here {days} days",
        };
    }
}
