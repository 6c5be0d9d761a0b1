using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Common;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Signatures;
using TaxGenius.Core.Live;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Web.Components.Pages.Preparer;

/// <summary>
/// /preparer/board: the season's returns by stage. A card moves by drag and drop or, from the keyboard, by its menu; a move that
/// lost a race (someone moved the card first) is not applied and the board shows the card where it is now.
/// </summary>
public partial class Board : IDisposable
{
    [Inject] private EngagementBoardService BoardService { get; set; } = default!;
    [Inject] private SignatureService Signatures { get; set; } = default!;
    [Inject] private EngagementService Engagements { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private LiveClient Live { get; set; } = default!;
    [Inject] private OrganizerService Organizer { get; set; } = default!;
    [Inject] private IBrowserViewportService Viewport { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private int loads;
    private EngagementBoard? board;
    private IReadOnlyDictionary<Guid, SignatureProgress> signatures = new Dictionary<Guid, SignatureProgress>();
    private IReadOnlyList<int> years = [];
    private int year;
    private BoardAssignee assignee = BoardAssignee.Anyone;
    private bool overdueOnly;
    private string? search;
    private DateOnly today;
    private ClaimsPrincipal user = new();
    private Guid me;
    private IDisposable? subscription;
    private IDisposable? resync;
    private int reloadScheduled;
    private int disposed;
    private (int Done, int Total)? starting;
    private bool listView;
    private static readonly TimeSpan OwnEcho = TimeSpan.FromSeconds(3);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> ownChanges = new();
    private EngagementStage? listStage;
    private Page<BoardCard>? listPage;
    private readonly PageNavigation navigation = new();

    private LiveMark liveMark;

    protected override async Task OnInitializedAsync()
    {
        // Before anything is loaded: live events that arrive from here until the page subscribes are handed to it then.
        liveMark = Live.Mark();
        user = (await AuthenticationState).User;
        me = user.GetUserId();
        today = BoardService.Today;
        // The year first, before anything is awaited: the first render (and, on a phone, the switch to the list after it) can come
        // while the years load, and a load started then must not ask for year 0.
        var current = TaxGenius.Core.Documents.TaxYears.Current(Clock); // the season works on last year's returns
        year = current;
        await DatabaseErrors.RunAsync(async () =>
        {
            var known = await BoardService.YearsAsync();
            years = known.Contains(current) ? known : [current, .. known];
            await LoadAsync();
        });
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        // Live once interactive: a move, an upload or an automatic advance anywhere (any instance) reloads the board, a burst once.
        subscription = Live.On<EngagementChanged>(LiveEventNames.Engagement, change => IsOwn(change) ? Task.CompletedTask : ScheduleReloadAsync(), liveMark);
        resync = Live.OnResync(ScheduleReloadAsync, liveMark);

        // On a phone the columns would scroll sideways one at a time: the list reads better there, so it opens first (the toggle
        // still brings the board).
        if (!listView && await IsPhoneAsync())
        {
            await ViewChangedAsync(true);
            StateHasChanged();
        }
    }

    private async Task<bool> IsPhoneAsync()
    {
        try
        {
            return await Viewport.IsBreakpointWithinWindowSizeAsync(Breakpoint.Xs);
        }
        catch (Exception ex) when (ex is Microsoft.JSInterop.JSDisconnectedException or Microsoft.JSInterop.JSException or TaskCanceledException)
        {
            return false; // the tab closed, or the script is not there: the board it is
        }
    }

    /// <summary>
    /// The echo of a move made on this page a moment ago: the page reloaded after it already, and reloading again would close a card
    /// menu the person may be opening.
    /// </summary>
    private bool IsOwn(EngagementChanged change) =>
        ownChanges.TryGetValue(change.EngagementId, out var at) && Clock.GetUtcNow() - at < OwnEcho;

    private async Task ScheduleReloadAsync()
    {
        if (Interlocked.Exchange(ref reloadScheduled, 1) == 1)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(250), Clock);
        Volatile.Write(ref reloadScheduled, 0);
        if (Volatile.Read(ref disposed) == 1)
        {
            return; // the page closed while the reload waited: its circuit may be gone
        }

        await InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        });
    }

    /// <summary>"Start {year}" in bulk: every client of the year before gets this year's list and the request e-mail.</summary>
    private async Task StartYearForAllAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Start tax year {year}",
            $"Every active client with a {year - 1} return gets a {year} return with last year's employers and payers and the firm's list, " +
            "and an e-mail asking for them. Clients already started are left as they are.", yesText: $"Start {year}", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        starting = (0, 0);
        await DatabaseErrors.RunAsync(async () =>
        {
            var started = await Organizer.StartYearForAllAsync(Client.ActorFor(user), year,
                new Progress<(int Done, int Total)>(p => InvokeAsync(() => { starting = p; StateHasChanged(); })));
            Snackbar.Add(started == 0 ? $"Every client of {year - 1} already has {year} started." : $"Started {year} for {Plural.Of(started, "client")}.",
                started == 0 ? Severity.Info : Severity.Success);
            await LoadAsync();
        });
        starting = null;
    }

    public void Dispose()
    {
        Volatile.Write(ref disposed, 1);
        subscription?.Dispose();
        resync?.Dispose();
    }

    private async Task LoadAsync()
    {
        var filter = new BoardFilter { TaxYear = year, Assignee = assignee, OverdueOnly = overdueOnly, Search = search };
        board = await BoardService.GetAsync(me, filter);
        signatures = await Signatures.ProgressAsync(board.Cards.Where(c => c.Stage == EngagementStage.AwaitingSignature).Select(c => c.Id).ToList());
        if (listView)
        {
            listPage = await BoardService.ListAsync(me, filter with { Stage = listStage }, new PageRequest(navigation.After, navigation.Before));
            navigation.Loaded(listPage);
        }

        loads++;
    }

    private Task ReloadAsync() => DatabaseErrors.RunAsync(LoadAsync);

    /// <summary>A filter changed: the list starts again at its first page.</summary>
    private Task RestartAsync()
    {
        navigation.Reset();
        return ReloadAsync();
    }

    private Task ViewChangedAsync(bool list)
    {
        listView = list;
        return RestartAsync();
    }

    private Task ListStageChangedAsync(EngagementStage? stage)
    {
        listStage = stage;
        return RestartAsync();
    }

    private int Count(EngagementStage stage) => board?.Counts.GetValueOrDefault(stage) ?? 0;

    private Task YearChangedAsync(int value)
    {
        year = value;
        return RestartAsync();
    }

    private Task AssigneeChangedAsync(BoardAssignee value)
    {
        assignee = value;
        return RestartAsync();
    }

    private Task OverdueChangedAsync(bool value)
    {
        overdueOnly = value;
        return RestartAsync();
    }

    private Task SearchChangedAsync(string? value)
    {
        search = value;
        return RestartAsync();
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
            ownChanges[card.Id] = Clock.GetUtcNow();
            var result = await Engagements.MoveAsync(Client.ActorFor(user), card.Id, target, card.Version, reason);
            Report(card, result, $"{card.ClientName}'s return is now {EngagementStages.Name(target)}.");
        });
        await ReloadAsync();
    }

    private async Task ResumeAsync(BoardCard card)
    {
        await DatabaseErrors.RunAsync(async () =>
        {
            ownChanges[card.Id] = Clock.GetUtcNow();
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
