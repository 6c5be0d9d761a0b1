using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Data;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// ASP.NET Core Identity with the firm's rules (<see cref="IdentityConfiguration"/>, <see cref="TaxGeniusSignInManager"/>,
    /// single-use authenticator codes), its secrets encrypted at rest (<see cref="ProtectedTokenUserStore"/>, the
    /// <c>DataProtection:Keys</c> ring), registration, account e-mails and re-authentication.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdentityCore<ApplicationUser>(IdentityConfiguration.Configure)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<TaxGeniusDbContext>()
            .AddSignInManager<TaxGeniusSignInManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(SingleUseAuthenticatorTokenProvider.ProviderName)
            .AddTokenProvider<SignInCodes.EmailCodeTokenProvider>(SignInCodes.EmailCodeTokenProvider.ProviderName)
            .AddClaimsPrincipalFactory<TaxGeniusClaimsPrincipalFactory>();
        // Authenticator keys and recovery codes are encrypted at rest (see SecretProtector).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<ApplicationUser>, ProtectedTokenUserStore>());
        services.AddOptions<DataProtectionKeyOptions>().Bind(builder.Configuration.GetSection(DataProtectionKeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DataProtectionKeyOptions>, DataProtectionKeyOptionsValidator>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SecretsAtRestUpgrade>();

        // Passkeys (ADR-015): Identity's WebAuthn handler; relying party and origin from TaxGenius:PublicBaseUrl (PasskeyOptionsSetup).
        services.TryAddScoped<IPasskeyHandler<ApplicationUser>, PasskeyHandler<ApplicationUser>>();
        services.AddSingleton<IConfigureOptions<IdentityPasskeyOptions>, Passkeys.PasskeyOptionsSetup>();
        services.AddScoped<Passkeys.PasskeyRegistry>();
        services.AddScoped<SignInCodes.SignInCodeService>();
        services.AddScoped<MfaCoverage>();
        services.AddScoped<AccountRecovery>();

        services.AddScoped<AccountRegistrationService>();
        services.AddScoped<AccountEmails>();
        services.AddSingleton<Reauthentication>();
        return builder;
    }
}
