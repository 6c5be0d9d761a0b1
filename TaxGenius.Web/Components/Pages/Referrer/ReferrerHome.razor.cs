using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Infrastructure;

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
    private string[] monthLabels = [];
    private List<ChartSeries<double>> conversionSeries = [];
    private List<ChartSeries<double>> earningSeries = [];
    private BarChartOptions conversionOptions = new();
    private BarChartOptions earningOptions = new();

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

    protected override async Task OnInitializedAsync()
    {
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
                })));
            subscriptions.Add(Live.OnResync(() => InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            })));
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

        monthLabels = dashboard.Months.Select(m => m.Month.ToString("MMM yy", Us)).ToArray();
        conversionSeries = [new ChartSeries<double> { Name = "Conversions", Data = new ChartData<double>(dashboard.Months.Select(m => (double)m.Conversions).ToArray()) }];
        earningSeries = [new ChartSeries<double> { Name = "Earnings (USD)", Data = new ChartData<double>(dashboard.Months.Select(m => (double)m.Earnings).ToArray()) }];
        // Whole conversions on the axis; about four steps of round dollars for earnings.
        conversionOptions = new BarChartOptions { ShowLegend = false, YAxisTicks = Step(dashboard.Months.Max(m => (double)m.Conversions), 1), BarWidthRatio = 0.6 };
        earningOptions = new BarChartOptions { ShowLegend = false, YAxisTicks = Step(dashboard.Months.Max(m => (double)m.Earnings), 10), BarWidthRatio = 0.6 };
    }

    /// <summary>An axis step that gives about four gridlines: a multiple of <paramref name="unit"/>.</summary>
    private static int Step(double max, int unit) => Math.Max(unit, (int)Math.Ceiling(max / 4 / unit) * unit);

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
