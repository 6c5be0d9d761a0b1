using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;

namespace TaxGenius.Tests;

/// <summary>House rules that a compiler does not check, checked over the built assemblies.</summary>
public sealed class ConventionTests
{
    private static readonly Assembly Core = typeof(TaxGeniusDbContext).Assembly;
    private static readonly Assembly Web = typeof(TaxGenius.Web.Components.App).Assembly;

    [Fact]
    public void Every_log_message_has_its_own_stable_event_id_in_its_projects_range()
    {
        var messages = new[] { (Core, 1000, 1999), (Web, 2000, 2999) }
            .SelectMany(p => LogMethods(p.Item1).Select(m => (Method: m, Id: m.GetCustomAttribute<LoggerMessageAttribute>()!.EventId, Min: p.Item2, Max: p.Item3)))
            .ToList();

        Assert.True(messages.Count >= 30, $"Only {messages.Count} log messages were found: the reflection no longer sees them.");
        Assert.All(messages, m => Assert.True(m.Id >= m.Min && m.Id <= m.Max, $"{Name(m.Method)} has EventId {m.Id}, outside {m.Min}–{m.Max}."));
        Assert.Empty(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => Name(m.Method)))}"));
        // One log class per feature: the messages live in *Log classes, not scattered through services.
        Assert.All(messages, m => Assert.EndsWith("Log", m.Method.DeclaringType!.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void No_component_reads_the_http_context_accessor()
    {
        // Interactive components outlive their request: the audit actor comes from CircuitClient, captured once per circuit.
        var offenders = Web.GetTypes()
            .Where(t => typeof(ComponentBase).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.PropertyType == typeof(Microsoft.AspNetCore.Http.IHttpContextAccessor))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Live_events_are_published_only_through_the_live_hub()
    {
        // One live channel (issue 17, ADR-011): nothing sends to browsers or to other instances except LiveChannel, through the hub's
        // IHubContext; no Redis pub/sub of our own, no other hub context, no second script opening a hub.
        var root = TaxGenius.Tests.Infrastructure.Repository.Root;
        var sources = new[] { "TaxGenius.Core", "TaxGenius.Web" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(sources.Count > 100, $"Only {sources.Count} source files were found under {root}.");

        var rules = new (string Pattern, string AllowedIn)[]
        {
            ("IHubContext<", "LiveChannel.cs"),
            (".GetSubscriber(", "(nowhere)"),
            ("HubConnectionBuilder", "live.js"),
        };
        var offenders = (from file in sources
                         from rule in rules
                         where Path.GetFileName(file) != rule.AllowedIn && File.ReadAllText(file).Contains(rule.Pattern, StringComparison.Ordinal)
                         select $"{Path.GetRelativePath(root, file)} uses {rule.Pattern}").ToList();
        Assert.Empty(offenders);
    }

    private static IEnumerable<MethodInfo> LogMethods(Assembly assembly) => assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null);

    private static string Name(MethodInfo method) => $"{method.DeclaringType!.Name}.{method.Name}";
}
