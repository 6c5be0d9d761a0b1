using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaxGenius.Core.ApiTokens;
using TaxGenius.Core.Settings;

namespace TaxGenius.Core.Users;

public static class UsersServiceCollectionExtensions
{
    /// <summary>Administration of people: the directory, account changes, staff invitations, the users API, API tokens and firm settings.</summary>
    public static IHostApplicationBuilder AddTaxGeniusUsers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<UserLifecycleService>();
        services.AddSingleton<StaffInvitationService>();
        services.AddSingleton<UserApiService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<FirmSettingsService>();
        return builder;
    }
}
