using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>The demo firm (Development data) and the first administrator of a new installation, both validated at start.</summary>
    public static IHostApplicationBuilder AddTaxGeniusDemo(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        services.AddOptions<BootstrapOptions>().Bind(builder.Configuration.GetSection(BootstrapOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BootstrapOptions>, BootstrapOptionsValidator>();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<DemoFirmSeeder>();
        return builder;
    }

    private sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
    {
        public ValidateOptionsResult Validate(string? name, DemoOptions options)
        {
            var errors = new List<string>();
            if (options.Password is { Length: > 0 and < IdentityConfiguration.MinimumPasswordLength })
            {
                errors.Add($"Demo:Password must be at least {IdentityConfiguration.MinimumPasswordLength} characters (or left empty for a generated one).");
            }

            if (!string.IsNullOrWhiteSpace(options.TotpSecret) && !Totp.IsValidKey(options.TotpSecret))
            {
                errors.Add("Demo:TotpSecret must be a Base32 authenticator key of at least 16 characters (A-Z, 2-7), or left empty for a generated one.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    private sealed class BootstrapOptionsValidator : IValidateOptions<BootstrapOptions>
    {
        public ValidateOptionsResult Validate(string? name, BootstrapOptions options)
        {
            var email = !string.IsNullOrWhiteSpace(options.AdminEmail);
            var password = !string.IsNullOrWhiteSpace(options.AdminPassword);
            if (!email && !password)
            {
                return ValidateOptionsResult.Success;
            }

            var errors = new List<string>();
            if (email != password)
            {
                errors.Add("Bootstrap:AdminEmail and Bootstrap:AdminPassword go together: set both to create the first administrator, or neither.");
            }

            if (email && !EmailAddresses.IsValid(options.AdminEmail))
            {
                errors.Add("Bootstrap:AdminEmail must be an e-mail address, like owner@firm.example.");
            }

            if (password && options.AdminPassword!.Length < IdentityConfiguration.MinimumPasswordLength)
            {
                errors.Add($"Bootstrap:AdminPassword must be at least {IdentityConfiguration.MinimumPasswordLength} characters.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
