using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>Development defaults never reach Production.</summary>
public sealed class ProductionRulesTests
{
    private static readonly Dictionary<string, string?> Production = new() { [TaxGeniusAppFactory.EnvironmentSetting] = "Production" };

    [Fact]
    public async Task Production_refuses_to_start_on_the_embedded_SQLite_store_and_names_the_setting()
    {
        await using var app = TaxGeniusAppFactory.CreateEmbedded(extra: Production);
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var validation = Assert.IsType<OptionsValidationException>(error.InnerException ?? error, exactMatch: false);
        Assert.Contains("ConnectionStrings:Postgres", validation.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A new server that has none of its settings hears of all of them at the first start, one line each, rather than one per restart;
    /// nothing is written into the data folder first.
    /// </summary>
    [Fact]
    public async Task Production_lists_every_missing_setting_at_once_before_anything_runs()
    {
        var extra = new Dictionary<string, string?>(TaxGeniusAppFactory.WithoutSsnKeyRing(Production))
        {
            ["Storage:MasterKeys:test1"] = null,
            ["Storage:ActiveKeyId"] = null,
            ["DataProtection:Keys:test1"] = null,
            ["DataProtection:ActiveKeyId"] = null,
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = null,
        };
        await using var app = TaxGeniusAppFactory.CreateEmbedded(extra: extra);
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var invalid = Assert.IsType<SettingsInvalidException>(error.InnerException ?? error);
        string[] named = ["ConnectionStrings:Postgres", "Ssn:Keys", "Storage:MasterKeys", "DataProtection:Keys", TaxGeniusAppFactory.PublicBaseUrlSetting];
        Assert.Equal(named.Length, invalid.Failures.Count());
        var lines = invalid.Message.Split(Environment.NewLine);
        Assert.Equal($"{named.Length} settings need attention before TaxGenius can run:", lines[0]);
        foreach (var setting in named)
        {
            Assert.Single(lines, l => l.StartsWith("  - " + setting, StringComparison.Ordinal));
        }

        Assert.False(Directory.Exists(app.DataPath) && Directory.EnumerateFileSystemEntries(app.DataPath).Any(), "Nothing written before the settings are right.");
    }

    [Fact]
    public async Task Production_refuses_to_start_without_an_SSN_key_ring_and_names_the_settings()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: TaxGeniusAppFactory.WithoutSsnKeyRing(Production));
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var validation = Assert.IsType<OptionsValidationException>(error.InnerException ?? error, exactMatch: false);
        Assert.Contains("Ssn:Keys", validation.Message, StringComparison.Ordinal);
        Assert.Contains("Ssn:ActiveKeyId", validation.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.DataPath, "keys")), "No development key in Production.");
    }

    /// <summary>Only Development generates keys: Staging (or a typo of Production) without a ring fails, naming the setting.</summary>
    [Theory]
    [InlineData("Staging", "Ssn", "Keys", "test-1")]
    [InlineData("Staging", "Storage", "MasterKeys", "test1")]
    [InlineData("Staging", "DataProtection", "Keys", "test1")]
    [InlineData("Prodution", "DataProtection", "Keys", "test1")]
    public async Task Outside_development_a_missing_key_ring_stops_the_start_and_names_the_setting(string environment, string section, string keys, string id)
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = environment,
            [$"{section}:{keys}:{id}"] = null,
            [$"{section}:ActiveKeyId"] = null,
        });
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var validation = Assert.IsType<OptionsValidationException>(error.InnerException ?? error, exactMatch: false);
        Assert.Contains($"{section}:{keys}", validation.Message, StringComparison.Ordinal);
        Assert.Contains("required outside Development", validation.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.DataPath, "keys")), "No development key outside Development.");
    }

    [Fact]
    public async Task Production_never_seeds_demo_accounts_even_when_asked()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>(Production) { ["Demo:Enabled"] = "true" });
        app.StartServer();

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var (email, _, _, _) in DemoAccounts.All)
        {
            Assert.Null(await users.FindByEmailAsync(email));
        }

        // The roles exist all the same: they are part of the product, not demo data.
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in Roles.All)
        {
            Assert.True(await roles.RoleExistsAsync(role), role);
        }
    }

    [Fact]
    public async Task A_new_installation_gets_its_first_administrator_from_bootstrap_settings()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>(Production)
        {
            ["Bootstrap:AdminEmail"] = "owner@firm.example",
            ["Bootstrap:AdminPassword"] = "the owner's long password",
        });

        // The first administrator has no authenticator yet: sent to enrollment before anything else, then in.
        using var client = await app.SignInAsync("owner@firm.example", "the owner's long password");
        using var before = await client.GetAsync("/admin");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, before.StatusCode);
        Assert.Equal(StaffMfa.EnrollmentPath, before.Headers.Location!.OriginalString.Split('?')[0]);

        await TaxGeniusAppFactory.EnrollThroughPageAsync(client);
        using var response = await client.GetAsync("/admin");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
