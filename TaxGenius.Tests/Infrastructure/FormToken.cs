using System.Text.RegularExpressions;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>The antiforgery token a server-rendered form carries, for tests that post forms as a browser would.</summary>
public static partial class FormToken
{
    public static string In(string html) => Pattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Pattern();
}
