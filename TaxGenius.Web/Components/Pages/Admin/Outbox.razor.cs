using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using TaxGenius.Core.Common;
using TaxGenius.Core.Email;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Admin;

/// <summary>/admin/outbox: undelivered and given-up e-mail with resend, and (without SMTP) the local outbox's messages.</summary>
public partial class Outbox
{
    [Inject] private UndeliveredEmails Undelivered { get; set; } = default!;
    [Inject] private EmailTransportStatus TransportStatus { get; set; } = default!;
    [Inject] private IOptions<EmailOptions> EmailOptions { get; set; } = default!;
    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private LocalTime LocalTime { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private UndeliveredReport? report;
    private (DateTime At, string Error)? transportFailure;
    private OutboxFolder? outbox;
    private List<OutboxEntry> entries = [];
    private OutboxEntry? selected;
    private ClaimsPrincipal user = new();
    private bool busy;

    private string Window => Describe(EmailOptions.Value.Delivery.GiveUpAfter);

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthenticationState).User;
        outbox = Services.GetService<IEmailTransport>() is OutboxEmailTransport ? Services.GetService<OutboxFolder>() : null;
        LoadOutbox();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        transportFailure = TransportStatus.CurrentFailure;
        await DatabaseErrors.RunAsync(async () => report = await Undelivered.ListAsync());
    }

    private void LoadOutbox()
    {
        entries = outbox?.List().Take(200).ToList() ?? [];
        selected = entries.FirstOrDefault(e => e.FileName == selected?.FileName) ?? entries.FirstOrDefault();
    }

    private Task ResendAsync(UndeliveredEmail email) => ActAsync(async () =>
    {
        var outcome = await Undelivered.ResendAsync(Client.ActorFor(user), email.Id);
        switch (outcome)
        {
            case ResendOutcome.Queued:
                Snackbar.Add($"“{email.Subject}” to {email.To} is queued again.", Severity.Success);
                break;
            case ResendOutcome.NothingToSend:
                Snackbar.Add("That message was already delivered; there is nothing to resend.", Severity.Info);
                break;
            default:
                Snackbar.Add("That message is no longer given up (someone resent it, or it went out).", Severity.Info);
                break;
        }
    });

    private Task ResendAllAsync() => ActAsync(async () =>
    {
        var queued = await Undelivered.ResendAllAsync(Client.ActorFor(user));
        Snackbar.Add(queued == 1 ? "1 message is queued again." : $"{queued} messages are queued again.", queued > 0 ? Severity.Success : Severity.Info);
    });

    private Task TryNowAsync(UndeliveredEmail email) => ActAsync(async () =>
    {
        var moved = await Undelivered.TryNowAsync(email.Id);
        Snackbar.Add(moved ? $"Trying “{email.Subject}” again now." : "That message is no longer waiting.", moved ? Severity.Success : Severity.Info);
    });

    /// <summary>One action at a time (buttons disabled meanwhile), then the list as it is now; a database outage ends in the snackbar.</summary>
    private async Task ActAsync(Func<Task> action)
    {
        busy = true;
        try
        {
            await DatabaseErrors.RunAsync(async () =>
            {
                await action();
                await LoadAsync();
            });
        }
        finally
        {
            busy = false;
        }
    }

    private string Time(DateTime utc) => LocalTime.Moment(utc);

    private static string Describe(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? Plural.Of((long)window.TotalHours, "hour")
        : window.TotalMinutes >= 1 ? Plural.Of((long)Math.Round(window.TotalMinutes), "minute")
        : Plural.Of((long)Math.Round(window.TotalSeconds), "second");
}
