using System.Text.RegularExpressions;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>The antiforgery token a server-rendered form carries, for tests that post forms as a browser would.</summary>
public static partial class FormToken
{
    public static string In(string html) => Pattern().Match(html).Groups[1].Value;

    /// <summary>Opens <paramref name="path"/> and posts its form <paramref name="handler"/> with <paramref name="fields"/> and the page's token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string handler, params (string Name, string Value)[] fields)
    {
        var form = new Dictionary<string, string> { ["_handler"] = handler, ["__RequestVerificationToken"] = In(await client.GetStringAsync(path)) };
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Pattern();
}
