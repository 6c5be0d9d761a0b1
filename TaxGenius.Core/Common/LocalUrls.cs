using System.Diagnostics.CodeAnalysis;

namespace TaxGenius.Core.Common;

/// <summary>Which return addresses may be followed after signing in: paths on this site only.</summary>
public static class LocalUrls
{
    /// <summary>
    /// True for a path on this site (<c>/client/documents?x=1</c>). False for anything a browser could take elsewhere or that is not a
    /// plain path: another host (<c>//evil.example</c>, <c>/\evil.example</c>, <c>https://…</c>), a backslash anywhere, or a control
    /// character (<c>/%09/evil.example</c> arrives decoded as a tab).
    /// </summary>
    public static bool IsLocal([NotNullWhen(true)] string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] != '/')
        && !url.Contains('\\', StringComparison.Ordinal) && !url.Any(char.IsControl);
}
