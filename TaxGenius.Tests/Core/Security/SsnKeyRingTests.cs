using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Core.Security;

/// <summary>Where the key ring comes from: configuration, or outside Production a generated development key.</summary>
public sealed class SsnKeyRingTests : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("tg_keys_").FullName;

    [Fact]
    public void Outside_Production_without_keys_a_development_key_is_created_once_and_reused()
    {
        var path = Path.Combine(dataPath, "keys", "ssn-dev.key");
        var user = Guid.NewGuid();

        var first = Build(Environments.Development);
        var envelope = first.Protector.Protect(user, "123-45-6789");

        Assert.StartsWith("v1:dev:", envelope, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var warning = Assert.Single(first.Logs, l => l.Level == LogLevel.Warning);
        Assert.Contains(path, warning.Message, StringComparison.Ordinal);
        Assert.Contains("created now", warning.Message, StringComparison.Ordinal);
        var key = File.ReadAllText(path);

        var second = Build(Environments.Development);
        Assert.Equal("123-45-6789", second.Protector.Unprotect(user, envelope));
        Assert.Equal(key, File.ReadAllText(path));
        Assert.Contains("reused", Assert.Single(second.Logs, l => l.Level == LogLevel.Warning).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_keys_are_used_and_no_development_key_is_made()
    {
        var built = Build(Environments.Development, new() { ["Ssn:Keys:2026"] = MasterKeys.NewKey(), ["Ssn:ActiveKeyId"] = "2026" });

        Assert.StartsWith("v1:2026:", built.Protector.Protect(Guid.NewGuid(), "123-45-6789"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dataPath, "keys")));
        Assert.Empty(built.Logs);
    }

    [Fact]
    public void Production_without_keys_fails_naming_the_settings_and_makes_no_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(Environments.Production));

        Assert.Contains("Ssn:Keys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ssn:ActiveKeyId", error.Message, StringComparison.Ordinal);
        Assert.Contains("required in Production", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dataPath, "keys")));
    }

    private (SsnProtector Protector, List<LogEntry> Logs) Build(string environment, Dictionary<string, string?>? settings = null)
    {
        var logs = new List<LogEntry>();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddSingleton(new TaxGeniusPaths(dataPath));
        services.AddLogging(b => b.AddProvider(new ListLoggerProvider(logs)));
        services.AddTaxGeniusSsnProtection(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        using var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<SsnProtector>(), logs);
    }

    public void Dispose() => Directory.Delete(dataPath, recursive: true);

    internal sealed record LogEntry(LogLevel Level, string Message);

    private sealed class ListLoggerProvider(List<LogEntry> entries) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (entries)
            {
                entries.Add(new LogEntry(logLevel, formatter(state, exception)));
            }
        }

        public void Dispose()
        {
        }
    }
}
