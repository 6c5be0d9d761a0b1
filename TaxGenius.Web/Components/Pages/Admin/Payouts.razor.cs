using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Components.Shared;

namespace TaxGenius.Web.Components.Pages.Admin;

public partial class Payouts
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<UnpaidReferrer>? unpaid;
    private IReadOnlyList<Payout>? recent;
    private IReadOnlyList<ReferrerRate>? rates;
    private readonly HashSet<Guid> selected = [];
    private readonly Dictionary<Guid, decimal?> drafts = [];
    private string? reference;
    private DateTime? paidOn;
    private bool busy;
    private ClaimsPrincipal user = new();

    // The admin's own today: a payment made this evening in California is dated today there, not tomorrow (UTC).
    private DateTime Today => LocalTime.Today(Clock);

    private decimal SelectedTotal => unpaid?.SelectMany(g => g.Commissions).Where(c => selected.Contains(c.ReferralId)).Sum(c => c.Amount) ?? 0m;

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthenticationState).User;
        paidOn = Today;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        unpaid = await PayoutService.GetUnpaidByReferrerAsync();
        recent = await PayoutService.GetRecentPayoutsAsync();
        rates = await Rates.GetReferrerRatesAsync();
        var present = unpaid.SelectMany(g => g.Commissions).Select(c => c.ReferralId).ToHashSet();
        selected.IntersectWith(present);
    }

    private decimal? Draft(Guid referrerId) => drafts.GetValueOrDefault(referrerId);

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

    private void SelectGroup(UnpaidReferrer group, bool on)
    {
        foreach (var c in group.Commissions)
        {
            Select(c.ReferralId, on);
        }
    }

    private AuditActor Actor() => Client.ActorFor(user);

    private async Task MarkPaidAsync()
    {
        if (paidOn is not { } date || selected.Count == 0)
        {
            return;
        }

        var referrers = unpaid?.Count(g => g.Commissions.Any(c => selected.Contains(c.ReferralId))) ?? 0;
        if (!await Dialogs.ConfirmAsync("Mark paid",
                $"Record a payout of {PayoutService.Money(SelectedTotal)} for {Plural.Of(selected.Count, "commission")} to {Plural.Of(referrers, "referrer")}, " +
                $"paid on {date:yyyy-MM-dd} with reference “{reference?.Trim()}”? Each referrer is e-mailed their amount. This cannot be undone.",
                "Mark paid"))
        {
            return;
        }

        busy = true;
        try
        {
            var result = await PayoutService.RecordPayoutAsync(Actor(), selected.ToList(), reference, DateOnly.FromDateTime(date));
            if (result.Succeeded)
            {
                Snackbar.Add($"Payout recorded: {PayoutService.Money(result.Payout!.Total)} for {Plural.Of(result.Payout.ReferralCount, "commission")}. The referrers are being e-mailed.",
                    Severity.Success);
                selected.Clear();
                reference = null;
            }
            else
            {
                Snackbar.Add(result.Error ?? "The payout was not recorded.", Severity.Error);
            }

            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task SetRateAsync(ReferrerRate row, decimal? amount)
    {
        busy = true;
        try
        {
            var result = await Rates.SetRateAsync(Actor(), row.ReferrerId, amount);
            if (result.Succeeded)
            {
                Snackbar.Add(amount is { } a ? $"{row.Email} now earns {PayoutService.Money(a)} per conversion." : $"{row.Email} is back on the default rate.",
                    Severity.Success);
                drafts.Remove(row.ReferrerId);
                rates = await Rates.GetReferrerRatesAsync();
            }
            else
            {
                Snackbar.Add(result.Error ?? "The rate was not changed.", Severity.Error);
            }
        }
        finally
        {
            busy = false;
        }
    }
}
