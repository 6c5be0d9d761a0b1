using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Security;

namespace TaxGenius.Web.Components.Pages.Preparer;

public partial class DocumentReview
{
    [Parameter] public Guid Id { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private DocumentDetail? detail;
    private bool notFound;
    private bool busy;
    private bool rejecting;
    private Guid shownId;
    private string? rejectReason;
    private string? note;
    private bool askingSecret;
    private string? secret;
    private string? secretError;
    private string? revealed;
    private int secondsLeft;
    private ITimer? revealTimer;
    private AuditActor me = new(Guid.Empty, null, null);
    private IReadOnlyList<(Guid Id, string Email)> preparers = [];
    private Guid? reassignTo;

    /// <summary>The client's returns, linked from the client card (the review usually ends on the return's page).</summary>
    private IReadOnlyList<ClientReturnLink> returns = [];

    private string ContentUrl => $"api/staff/documents/{Id}/content";

    protected override async Task OnParametersSetAsync()
    {
        // Another document on the same page (the link to a file sent twice): what was typed for the last one does not carry over.
        if (Id != shownId)
        {
            (shownId, rejecting, rejectReason, note) = (Id, false, null, null);
        }

        var user = (await AuthenticationState).User;
        me = Client.ActorFor(user);
        await ReloadAsync();
        returns = detail is null ? [] : await Engagements.ReturnsOfClientAsync(detail.Client.Id);
        if (me.IsAdmin)
        {
            preparers = await Documents.ListPreparersAsync();
            reassignTo = detail?.AssignedToId;
        }
    }

    private async Task ReassignAsync() =>
        await RunAsync(() => Workflow.ReassignAsync(me, Id, reassignTo), reassignTo is null ? "Unassigned: it is back in the queue." : "Reassigned.");

    /// <summary>Status changes and refilings, oldest first (a refiling happens while the document is open, between its changes).</summary>
    private static IEnumerable<(DateTime At, StatusChangeView? Change, RefileView? Refile)> Timeline(DocumentDetail detail) =>
        detail.History.Select(h => (h.At, (StatusChangeView?)h, (RefileView?)null))
            .Concat((detail.Refiles ?? []).Select(r => (r.At, (StatusChangeView?)null, (RefileView?)r)))
            .OrderBy(e => e.At);

    private async Task ReloadAsync()
    {
        detail = await Documents.GetDetailAsync(Id);
        notFound = detail is null;
    }

    private async Task ClaimAsync() => await RunAsync(() => Workflow.ClaimAsync(me, Id, detail?.Version), "Claimed: it is yours now.");

    private async Task ChangeAsync(DocumentStatus to)
    {
        var done = to switch
        {
            DocumentStatus.Completed => "Completed. The client has been told.",
            DocumentStatus.Rejected => "Rejected. The client sees the reason and has been e-mailed.",
            _ => "Reopened.",
        };
        await RunAsync(() => Workflow.ChangeStatusAsync(me, Id, to, to == DocumentStatus.Rejected ? rejectReason : null, detail?.Version), done);
        if (detail?.Document.Status == to)
        {
            rejecting = false;
            rejectReason = null;
        }
    }

    private async Task RunAsync(Func<Task<StatusChangeResult>> action, string success)
    {
        busy = true;
        try
        {
            var result = await action();
            await ReloadAsync();
            if (result.Succeeded)
            {
                Snackbar.Add(success, Severity.Success);
            }
            else
            {
                Snackbar.Add(result.Error ?? "Nothing changed.", result.Conflict ? Severity.Warning : Severity.Error);
            }
        }
        finally
        {
            busy = false;
        }
    }

    private async Task AddNoteAsync()
    {
        busy = true;
        try
        {
            if (await Documents.AddNoteAsync(me, Id, note) is { } error)
            {
                Snackbar.Add(error, Severity.Error);
                return;
            }

            note = null;
            await ReloadAsync();
            Snackbar.Add("Note added.", Severity.Success);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task RevealAsync()
    {
        if (detail is null || string.IsNullOrEmpty(secret))
        {
            return;
        }

        busy = true;
        try
        {
            var result = await SsnReveal.RevealAsync(me, detail.Client.Id, Id, secret);
            secret = null;
            if (!result.Succeeded)
            {
                secretError = result.Error;
                return;
            }

            secretError = null;
            askingSecret = false;
            revealed = result.Ssn;
            secondsLeft = (int)SsnRevealService.VisibleFor.TotalSeconds;
            revealTimer?.Dispose();
            revealTimer = Clock.CreateTimer(_ => InvokeAsync(Tick), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        finally
        {
            busy = false;
        }
    }

    private void Tick()
    {
        secondsLeft--;
        if (secondsLeft <= 0)
        {
            HideSsn();
        }

        StateHasChanged();
    }

    private void HideSsn()
    {
        revealed = null;
        revealTimer?.Dispose();
        revealTimer = null;
    }

    private void CancelReveal()
    {
        askingSecret = false;
        secret = null;
        secretError = null;
    }

    private string Format(DateTime utc) => LocalTime.Moment(utc);

    public void Dispose()
    {
        revealTimer?.Dispose();
        revealed = null;
    }
}
