using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TaxGenius.Core.Common;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Web.Components.Pages.Referrer;

public partial class ReferrerHome
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<ReferralOptions> Options { get; set; } = default!;
    [Inject] private LocalTime LocalTime { get; set; } = default!;

    private Guid referrerId;
    private ReferrerDashboard? dashboard;
    private string link = "";
    private string qrDataUri = "";
    private IReadOnlyList<BarList.Bar> monthBars = [];

    private string? vanity;
    private string? vanityError;
    private string? inviteEmail;
    private bool inviting;
    private InvitationResult? inviteResult;

    private int InvitationsPerDay => Options.Value.InvitationsPerDay;
    private string CookieDaysText => $"{Options.Value.CookieDays} days";

    private static string Money(decimal amount) => amount.ToString("C2", Us);

    private string Day(DateTime at) => LocalTime.Day(at);

    private static Color StageColor(string stage) => stage switch
    {
        "Paid" => Color.Success,
        "Converted" => Color.Primary,
        "Signed up" => Color.Info,
        _ => Color.Default,
    };

    private readonly List<IDisposable> subscriptions = [];

    private LiveMark liveMark;

    protected override async Task OnInitializedAsync()
    {
        // Before anything is loaded: live events that arrive from here until the page subscribes are handed to it then.
        liveMark = Live.Mark();
        referrerId = (await AuthenticationState).User.GetUserId();
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            // A client who revokes (or gives) consent changes who may be named here: re-read at once, no reload needed.
            subscriptions.Add(Live.On<TaxGenius.Core.Compliance.Consents.ReferralConsentChanged>(TaxGenius.Core.Compliance.Consents.ConsentEvents.ReferralConsentChanged,
                _ => InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                }), liveMark));
            subscriptions.Add(Live.OnResync(() => InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            }), liveMark));
        }
    }

    public void Dispose()
    {
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }

    private async Task LoadAsync()
    {
        dashboard = await Dashboard.GetDashboardAsync(referrerId);
        var newLink = Codes.LinkFor(dashboard.Stats.Code);
        if (newLink != link)
        {
            link = newLink;
            qrDataUri = TaxGenius.Core.Common.QrCode.SvgDataUri(link);
        }

        monthBars = dashboard.Months.OrderByDescending(m => m.Month).Select(m => new BarList.Bar(
                m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), m.Month.ToString("MMM yyyy", Us), (double)m.Earnings,
                m.Conversions == 0 ? "—" : $"{Money(m.Earnings)} · {Plural.Of(m.Conversions, "conversion")}"))
            .ToList();
    }

    private async Task CopyLinkAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", link);
            Snackbar.Add("Link copied. Paste it in a message, an e-mail or a post.", Severity.Success);
        }
        catch (JSException)
        {
            Snackbar.Add("Your browser did not allow copying: select the link and copy it yourself.", Severity.Warning);
        }
    }

    private async Task ChooseVanityAsync()
    {
        var result = await Codes.ChooseVanityCodeAsync(referrerId, vanity);
        vanityError = result.Error;
        if (result.Succeeded)
        {
            Snackbar.Add($"Your code is now {result.Code}.", Severity.Success);
            vanity = null;
            await LoadAsync();
        }
    }

    private async Task InviteAsync()
    {
        if (inviting || string.IsNullOrWhiteSpace(inviteEmail))
        {
            return;
        }

        inviting = true;
        try
        {
            inviteResult = await Invitations.InviteAsync(referrerId, inviteEmail);
            if (inviteResult.Succeeded)
            {
                Snackbar.Add(inviteResult.Message, Severity.Success);
                inviteEmail = null;
                await LoadAsync();
            }
        }
        finally
        {
            inviting = false;
        }
    }
}
