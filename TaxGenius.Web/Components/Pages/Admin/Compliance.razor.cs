using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Compliance;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Admin;

/// <summary>/admin/compliance: the security-plan evidence from live state, retention and disposal, and the access report.</summary>
public partial class Compliance
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private ComplianceEvidenceService Evidence { get; set; } = default!;
    [Inject] private AuditChain Chain { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private LocalTime LocalTime { get; set; } = default!;

    private ComplianceEvidence? evidence;
    private bool verifying;
    private int tab;

    protected override async Task OnInitializedAsync() => evidence = await Evidence.BuildAsync();

    /// <summary>When the nightly chain check runs, in the admin's zone ("9:00 PM CST").</summary>
    private string NightlyCheck()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var next = now.Date.AddHours(Jobs.ChainCheckHourUtc);
        return LocalTime.Time(next > now ? next : next.AddDays(1));
    }

    private string AgeOf(DateTime at)
    {
        var days = (Clock.GetUtcNow().UtcDateTime - at).TotalDays;
        return days < 1 ? "today" : days < 2 ? "yesterday" : $"{days:0} days ago";
    }

    private async Task VerifyChainAsync()
    {
        verifying = true;
        try
        {
            var user = (await AuthenticationState).User;
            AuditChainReport? report = null;
            if (await DatabaseErrors.RunAsync(async () => report = await Chain.VerifyAsync(Client.ActorFor(user))) && report is not null)
            {
                Snackbar.Add(report.Intact ? $"The audit log is intact: {report.Links} entries verified." : report.Summary,
                    report.Intact ? Severity.Success : Severity.Error);
                evidence = await Evidence.BuildAsync();
            }
        }
        finally
        {
            verifying = false;
        }
    }
}
