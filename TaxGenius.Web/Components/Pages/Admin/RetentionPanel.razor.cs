using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Compliance.Retention;
using TaxGenius.Core.Settings;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Admin;

public partial class RetentionPanel
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private RetentionService Retention { get; set; } = default!;
    [Inject] private FirmSettingsService FirmSettings { get; set; } = default!;
    [Inject] private AccessReportService People { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private LocalTime LocalTime { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private sealed record Choice(Guid Id, string Label);

    private int years;
    private string? reason;
    private string? settingsError;
    private IReadOnlyList<DisposalView> proposals = [];
    private IReadOnlyList<LegalHoldView> holds = [];
    private IReadOnlyList<Disposal> disposed = [];
    private readonly HashSet<Guid> selected = [];
    private DisposalView? keeping;
    private string? keepReason;
    private Choice? holdClient;
    private string? holdReason;
    private bool busy;

    // Nothing shows until the settings and the lists are in: "0 years" and "No client is on legal hold" would be wrong meanwhile.
    private bool loaded;

    private string Day(DateTime at) => LocalTime.Day(at);

    protected override async Task OnInitializedAsync()
    {
        var settings = await FirmSettings.GetAsync();
        years = settings.RetentionYears;
        reason = settings.RetentionReason;
        await LoadAsync();
        loaded = true;
    }

    private async Task LoadAsync()
    {
        proposals = await Retention.ProposalsAsync();
        holds = await Retention.HoldsAsync();
        disposed = await Retention.DisposedAsync();
        selected.IntersectWith(proposals.Where(p => p.Blocker is null).Select(p => p.Disposal.Id));
    }

    private void Toggle(Guid id, bool on)
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

    private async Task<AuditActor> ActorAsync() => Client.ActorFor((await AuthenticationState).User);

    private async Task<IEnumerable<Choice>> FindClientsAsync(string? text, CancellationToken cancellationToken) =>
        (await People.FindAsync(AccessReportScope.Client, text, cancellationToken)).Select(p => new Choice(p.Id, p.Label));

    private Task RunAsync(Func<Task> action) => DatabaseErrors.RunAsync(async () =>
    {
        busy = true;
        try
        {
            await action();
        }
        finally
        {
            busy = false;
        }
    });

    private Task SaveSettingsAsync() => RunAsync(async () =>
    {
        settingsError = await FirmSettings.SetRetentionAsync(await ActorAsync(), years, reason);
        if (settingsError is null)
        {
            Snackbar.Add($"Clients' data is now proposed for disposal {Plural.Of(years, "year")} after their last activity.", Severity.Success);
        }
    });

    private Task CheckNowAsync() => RunAsync(async () =>
    {
        var proposed = await Retention.ProposeDueAsync();
        await LoadAsync();
        Snackbar.Add(proposed == 0 ? "No other client is due." : $"{Plural.Of(proposed, "client")} proposed for disposal.", Severity.Info);
    });

    private async Task ApproveAsync()
    {
        var count = selected.Count;
        if (count == 0 || !await Dialogs.ConfirmAsync("Dispose of client data",
                $"Delete everything the firm holds for {Plural.Of(count, "client")} for good, and write a disposal certificate for each? This cannot be undone.",
                "Dispose"))
        {
            return;
        }

        await RunAsync(async () =>
        {
            var result = await Retention.ApproveAsync(await ActorAsync(), [.. selected]);
            if (!result.Succeeded)
            {
                Snackbar.Add(result.Error!, Severity.Error);
                return;
            }

            selected.Clear();
            await LoadAsync();
            Snackbar.Add($"{Plural.Of(result.Disposed, "client")} disposed of; certificates are below.", Severity.Success);
            foreach (var skip in result.Skipped)
            {
                Snackbar.Add($"Skipped: {skip}", Severity.Warning);
            }
        });
    }

    private Task KeepAsync() => RunAsync(async () =>
    {
        if (keeping is null)
        {
            return;
        }

        if (await Retention.CancelAsync(await ActorAsync(), keeping.Disposal.Id, keepReason) is { } error)
        {
            Snackbar.Add(error, Severity.Error);
            return;
        }

        Snackbar.Add($"{keeping.ClientName}'s data is kept.", Severity.Success);
        keeping = null;
        keepReason = null;
        await LoadAsync();
    });

    private Task SetHoldAsync() => RunAsync(async () =>
    {
        if (holdClient is null)
        {
            Snackbar.Add("Choose the client to put on hold.", Severity.Warning);
            return;
        }

        if (await Retention.SetHoldAsync(await ActorAsync(), holdClient.Id, holdReason) is { } error)
        {
            Snackbar.Add(error, Severity.Error);
            return;
        }

        Snackbar.Add($"{holdClient.Label} is on legal hold.", Severity.Success);
        holdClient = null;
        holdReason = null;
        await LoadAsync();
    });

    private Task ReleaseHoldAsync(LegalHoldView hold) => RunAsync(async () =>
    {
        if (await Retention.ReleaseHoldAsync(await ActorAsync(), hold.ClientId) is { } error)
        {
            Snackbar.Add(error, Severity.Error);
            return;
        }

        Snackbar.Add($"{hold.ClientName}'s legal hold is released.", Severity.Success);
        await LoadAsync();
    });
}
