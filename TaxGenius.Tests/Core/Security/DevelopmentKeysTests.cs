using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Core.Security;

/// <summary>Where the key rings come from: configuration, or in Development only a generated development key.</summary>
public sealed class DevelopmentKeysTests : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("tg_keys_").FullName;

    [Fact]
    public void In_Development_empty_rings_get_a_key_created_once_and_reused_and_the_app_says_so()
    {
        var ssnFile = Path.Combine(dataPath, "keys", "ssn-dev.key");
        var user = Guid.NewGuid();

        var first = Build(Environments.Development);
        var envelope = first.Protector.Protect(user, "123-45-6789");

        Assert.StartsWith("v1:dev:", envelope, StringComparison.Ordinal);
        foreach (var ring in KeyRingSettings.All)
        {
            var file = Path.Combine(dataPath, "keys", $"{ring.Purpose}-dev.key");
            Assert.True(File.Exists(file), file);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            var notice = Assert.Single(first.Notices, n => n.Contains(file, StringComparison.Ordinal));
            Assert.Contains("created now", notice, StringComparison.Ordinal);
            Assert.Contains(ring.KeysPath, notice, StringComparison.Ordinal);
        }

        var key = File.ReadAllText(ssnFile);
        var second = Build(Environments.Development);
        Assert.Equal("123-45-6789", second.Protector.Unprotect(user, envelope));
        Assert.Equal(key, File.ReadAllText(ssnFile));
        Assert.All(second.Notices, n => Assert.Contains("reused", n, StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_keys_are_used_and_no_development_key_is_made_for_them()
    {
        var built = Build(Environments.Development, new() { ["Ssn:Keys:2026"] = MasterKeys.NewKey(), ["Ssn:ActiveKeyId"] = "2026" });

        Assert.StartsWith("v1:2026:", built.Protector.Protect(Guid.NewGuid(), "123-45-6789"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataPath, "keys", "ssn-dev.key")));
        Assert.DoesNotContain(built.Notices, n => n.Contains("Ssn:Keys", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Developmnet")]
    public void Outside_Development_no_key_is_made_and_the_start_fails_naming_the_settings(string environment)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(environment));

        Assert.Contains("Ssn:Keys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ssn:ActiveKeyId", error.Message, StringComparison.Ordinal);
        Assert.Contains("required outside Development", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dataPath, "keys")));
    }

    private (SsnProtector Protector, IReadOnlyList<string> Notices) Build(string environment, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings ?? []);
        var notices = new StartupNotices();
        var paths = new TaxGeniusPaths(dataPath);
        var hostEnvironment = new HostingEnvironment { EnvironmentName = environment };
        DevelopmentKeys.FillEmptyRings(configuration, hostEnvironment, paths, notices);

        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(hostEnvironment);
        services.AddTaxGeniusSsnProtection(configuration);
        using var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<SsnProtector>(), notices.All);
    }

    public void Dispose() => Directory.Delete(dataPath, recursive: true);
}
