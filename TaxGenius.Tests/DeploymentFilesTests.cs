using System.Text.RegularExpressions;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests;

/// <summary>What docker-compose.yml publishes and requires (no docker engine runs here, so the file itself is checked).</summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.yml"));

    [Fact]
    public void Only_the_proxy_is_published_on_the_network_mailpit_and_the_minio_console_stay_on_this_machine()
    {
        var published = PublishedPorts().ToList();
        Assert.NotEmpty(published);
        Assert.Equal(["8080:8080"], published.Where(p => !p.StartsWith("127.0.0.1:", StringComparison.Ordinal)));
        Assert.Contains("127.0.0.1:8025:8025", published);
        Assert.Contains("127.0.0.1:9001:9001", published);
        // The replicas publish nothing: every request goes through the proxy (the only address whose forwarded headers count).
        Assert.Matches(@"\n  web:\n(    .*\n)*?    deploy:\n      replicas: 2\n    expose:", Compose);
    }

    [Fact]
    public void The_proxy_gets_every_value_its_configuration_template_needs_and_is_the_address_the_app_trusts()
    {
        var template = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "taxgenius.conf.template"));
        var needed = Placeholder().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(new HashSet<string> { "TG_PROXY_LISTEN", "TG_UPSTREAM_SERVERS", "TG_MAX_BODY_BYTES" }, needed);
        Assert.All(needed, name => Assert.Contains($"      {name}: ", Compose, StringComparison.Ordinal));
        Assert.Contains("./deploy/nginx/taxgenius.conf.template:/etc/nginx/templates/taxgenius.conf.template:ro", Compose, StringComparison.Ordinal);
        // The body limit is the app's own limit, from the same variable.
        Assert.Contains("TG_MAX_BODY_BYTES: \"${STORAGE_MAX_FILE_BYTES:-52428800}\"", Compose, StringComparison.Ordinal);
        Assert.Contains("Storage__MaxFileBytes: \"${STORAGE_MAX_FILE_BYTES:-52428800}\"", Compose, StringComparison.Ordinal);
        var proxyAddress = Regex.Match(Compose, @"ipv4_address: ([0-9.]+)").Groups[1].Value;
        Assert.Contains($"ReverseProxy__KnownProxies__0: {proxyAddress}", Compose, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ssn__Keys__1")]
    [InlineData("Storage__MasterKeys__1")]
    [InlineData("DataProtection__Keys__1")]
    [InlineData("TaxGenius__PublicBaseUrl")]
    [InlineData("Storage__Backend")]
    [InlineData("Storage__S3__Bucket")]
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

    [GeneratedRegex(@"\$\{(TG_[A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
