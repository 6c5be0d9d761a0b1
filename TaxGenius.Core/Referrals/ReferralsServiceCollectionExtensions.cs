using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Referrals;

public static class ReferralsServiceCollectionExtensions
{
    /// <summary>The referral program: codes and clicks, invitations and attribution, the referrer's dashboard, rates, conversions and payouts.</summary>
    public static IHostApplicationBuilder AddTaxGeniusReferrals(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReferralOptions>().Bind(builder.Configuration.GetSection(ReferralOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReferralCodeService>();
        services.AddSingleton<ReferralInvitationService>();
        services.AddSingleton<ReferrerDashboardService>();
        services.AddSingleton<ReferrerRateService>();
        services.AddSingleton<ReferralConversions>();
        services.AddSingleton<PayoutService>();
        return builder;
    }
}
