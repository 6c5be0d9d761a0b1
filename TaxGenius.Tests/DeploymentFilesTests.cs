using System.Text.RegularExpressions;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests;

/// <summary>What docker-compose.yml publishes and requires (no docker engine runs here, so the file itself is checked).</summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.yml"));

    [Fact]
    public void Only_the_web_app_is_published_on_the_network_mailpit_stays_on_this_machine()
    {
        var published = PublishedPorts().ToList();
        Assert.NotEmpty(published);
        Assert.All(published.Where(p => !p.EndsWith(":8080", StringComparison.Ordinal)), p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:8025:8025", published);
    }

    [Theory]
    [InlineData("Ssn__Keys__1")]
    [InlineData("Storage__MasterKeys__1")]
    [InlineData("DataProtection__Keys__1")]
    [InlineData("TaxGenius__PublicBaseUrl")]
    public void The_stack_passes_every_setting_production_requires(string setting) =>
        Assert.Contains(setting + ":", Compose, StringComparison.Ordinal);

    /// <summary>The entries of every service's <c>ports:</c> list (not <c>expose:</c>, which stays inside the compose network).</summary>
    private static IEnumerable<string> PublishedPorts()
    {
        var inPorts = false;
        foreach (var line in Compose.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.EndsWith(':') && !trimmed.StartsWith('-'))
            {
                inPorts = trimmed == "ports:";
            }
            else if (inPorts && Entry().Match(trimmed) is { Success: true } entry)
            {
                yield return entry.Groups["spec"].Value;
            }
        }
    }

    [GeneratedRegex("^- \"(?<spec>[0-9.:]+)\"")]
    private static partial Regex Entry();
}
