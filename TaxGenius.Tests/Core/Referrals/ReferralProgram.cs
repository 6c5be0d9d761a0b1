using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Referrals;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Referrals;

/// <summary>The referral program's services of one test app, so a test reads as the program's steps in order.</summary>
internal sealed record ReferralProgram(
    ReferralCodeService Codes,
    ReferralInvitationService Invitations,
    ReferrerDashboardService Dashboard,
    ReferrerRateService Rates)
{
    public static ReferralProgram From(TaxGeniusAppFactory app) => From(app.Services);

    public static ReferralProgram From(IServiceProvider services) => new(
        services.GetRequiredService<ReferralCodeService>(),
        services.GetRequiredService<ReferralInvitationService>(),
        services.GetRequiredService<ReferrerDashboardService>(),
        services.GetRequiredService<ReferrerRateService>());

    /// <summary>Sets <paramref name="referrerId"/>'s commission as the demo admin would, failing the test if it is refused.</summary>
    public async Task SetRateAsync(TaxGeniusAppFactory app, Guid referrerId, decimal? amount)
    {
        var result = await Rates.SetRateAsync(await PayoutTests.AdminAsync(app), referrerId, amount);
        Assert.True(result.Succeeded, result.Error);
    }
}
