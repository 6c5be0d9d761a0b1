using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using TaxGenius.Core.Common;
using TaxGenius.Core.Engagements;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Preparer;

/// <summary>
/// /preparer/engagements/{id}: one client's return for one year. The checklist with accept and "ask again", another item to ask
/// for, "Remind now" and the reminder switch, the client's questionnaire answers, and the activity (moves and reminders).
/// </summary>
public partial class EngagementDetails
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private LocalTime LocalTime { get; set; } = default!;
    [Inject] private EngagementService Engagements { get; set; } = default!;
    [Inject] private DocumentRequestService Requests { get; set; } = default!;
    [Inject] private ReminderService Reminders { get; set; } = default!;
    [Inject] private OrganizerService Organizer { get; set; } = default!;
    [Inject] private TaxGenius.Core.Signatures.SignatureService Signatures { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private IOptions<ReminderOptions> ReminderOptions { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private sealed record ActivityEntry(DateTime At, string Text, string? Who);

    private EngagementDetail? detail;
    private IReadOnlyList<RequestItemView>? items;
    private OrganizerView? answers;
    private IReadOnlyList<TaxGenius.Core.Signatures.SignatureRequestView> signatureRequests = [];
    private IReadOnlyList<ActivityEntry> activity = [];
    private IReadOnlyList<ClientReturnLink> otherYears = [];
    private ClaimsPrincipal user = new();
    private bool notFound;
    private bool busy;
    private RequestKind newKind = RequestKind.W2;
    private string? newDescription;
    private bool newRequired = true;

    protected override async Task OnParametersSetAsync()
    {
        user = (await AuthenticationState).User;
        await DatabaseErrors.RunAsync(LoadAsync);
    }

    private async Task LoadAsync()
    {
        detail = await Engagements.DetailAsync(Id);
        notFound = detail is null;
        if (detail is null)
        {
            return;
        }

        otherYears = [.. (await Engagements.ReturnsOfClientAsync(detail.ClientId)).Where(r => r.Id != Id)];
        items = await Requests.ListAsync(Id);
        answers = await Organizer.ForEngagementAsync(Id);
        signatureRequests = await Signatures.ForEngagementAsync(Id);
        var moves = await Engagements.HistoryAsync(Id);
        var reminders = await Reminders.ListAsync(Id);
        activity =
        [
            .. moves.Select(m => new ActivityEntry(m.At, $"{EngagementStages.Name(m.From)} → {EngagementStages.Name(m.To)}" + (m.Reason is { } r ? $" ({r})" : ""), m.ActorName)),
            .. reminders.Select(r => new ActivityEntry(r.SentAt,
                $"{(r.Kind == ReminderKind.Manual ? "Reminder sent by hand" : "Automatic reminder")}: {Plural.Of(r.OpenItems, "item")} missing", r.ActorName)),
        ];
        activity = [.. activity.OrderByDescending(a => a.At)];
    }

    private int Missing() => items?.Count(i => i.Required && i.Status == RequestItemStatus.Open) ?? 0;

    /// <summary>Under "Requested documents": what is missing and since when; with nothing asked for, says so (not "0 missing · asked …").</summary>
    private string MissingCaption() => items is { Count: 0 }
        ? "Nothing asked for yet"
        : Plural.Of(Missing(), "required item") + " missing" + (detail?.RequestedAt is { } asked ? $" · asked {LocalTime.Day(asked, "MMM d")}" : "");

    /// <summary>The reminder switch's label; the day is the reminder job's (UTC), so the label and the job agree.</summary>
    private string ReminderLabel() => ReminderSchedule.SwitchLabel(detail!.RemindersPaused, detail.Stage,
        DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime), detail.DueDate, ReminderOptions.Value);

    private static string StatusText(RequestItemStatus status) => status switch
    {
        RequestItemStatus.Open => "Waiting for the client",
        RequestItemStatus.Fulfilled => "Uploaded: check and accept",
        RequestItemStatus.NotApplicable => "Client says it does not apply",
        RequestItemStatus.Accepted => "Accepted",
        _ => status.ToString(),
    };

    private Task RunAsync(Func<Task<string?>> action, string success) => RunAsync(action, () => success);

    /// <summary>Runs a change; its refusal, or the success message as it stands once the change is made, in a snackbar.</summary>
    private async Task RunAsync(Func<Task<string?>> action, Func<string> success)
    {
        busy = true;
        try
        {
            await DatabaseErrors.RunAsync(async () =>
            {
                if (await action() is { } refusal)
                {
                    Snackbar.Add(refusal, Severity.Warning);
                }
                else
                {
                    Snackbar.Add(success(), Severity.Success);
                }

                await LoadAsync();
            });
        }
        finally
        {
            busy = false;
        }
    }

    private Task AcceptAsync(RequestItemView item) =>
        RunAsync(async () => (await Requests.AcceptAsync(Client.ActorFor(user), item.Id)).Error, $"Accepted: {item.Description}.");

    private async Task ReopenAsync(RequestItemView item)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Ask the client again", new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"Why is {item.Description} needed again? The client reads this on their list and in the next reminder." },
            { d => d.ConfirmText, "Ask again" },
            { d => d.MaxLength, RequestItem.MaxReasonLength },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string reason })
        {
            await RunAsync(async () => (await Requests.ReopenAsync(Client.ActorFor(user), item.Id, reason)).Error, $"{item.Description} is open again.");
        }
    }

    private Task AddItemAsync()
    {
        var answered = false;
        return RunAsync(async () =>
        {
            var result = await Requests.RequestAsync(Client.ActorFor(user), Id, [new NewRequestItem(newKind, newDescription ?? "", newRequired)]);
            if (result.Succeeded)
            {
                newDescription = null;
                answered = result.Answered.Count > 0;
            }

            return result.Error;
        }, () => answered
            ? "Added, and already fulfilled by a document the client sent earlier: no e-mail was needed."
            : "Added, and the client was told by e-mail.");
    }

    private Task RemindNowAsync() => RunAsync(async () => await Reminders.RemindNowAsync(Client.ActorFor(user), Id) switch
    {
        ReminderOutcome.Sent => null,
        ReminderOutcome.AlreadySentToday => "The client was already reminded today: one reminder a day at most.",
        ReminderOutcome.NothingMissing => "Nothing required is missing: there is nothing to remind of.",
        ReminderOutcome.NoAddress => "The client's account is deactivated or has no e-mail address.",
        _ => "That engagement does not exist.",
    }, "Reminder sent.");

    private Task PauseChangedAsync(bool paused) => RunAsync(async () =>
        await Reminders.SetPausedAsync(Client.ActorFor(user), Id, paused) ? null : "That engagement does not exist.",
        paused ? "Automatic reminders paused." : "Automatic reminders resumed.");

    /// <summary>Only a return still gathering documents is sent the list; a filed one is not asked for its forms again.</summary>
    private bool CanSendList() => detail?.Stage is EngagementStage.NotStarted or EngagementStage.DocumentsRequested;

    private Task SendListAsync() => RunAsync(async () => (await Organizer.StartYearAsync(Client.ActorFor(user), detail!.ClientId, detail.TaxYear)).Error,
        $"The {detail!.TaxYear} list went to the client by e-mail.");

    private Task StartNextYearAsync() => RunAsync(async () =>
    {
        var result = await Organizer.StartYearAsync(Client.ActorFor(user), detail!.ClientId, detail.TaxYear + 1);
        return result.Error;
    }, $"Tax year {detail!.TaxYear + 1} started: the client has their list and the e-mail.");
}
