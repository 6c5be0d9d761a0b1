using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace TaxGenius.Core.Messaging;

/// <summary>
/// The Markdown subset messages support, rendered safely: the text is HTML-encoded first, so no tag a person types ever reaches the
/// page; then **bold**, *italic*, `code`, [links](https://…) and bare https:// addresses (http and https only, opened in a new tab
/// without the opener), "- " lists, paragraphs and line breaks.
/// </summary>
public static partial class MessageMarkdown
{
    public static string ToHtml(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var html = new StringBuilder();
        foreach (var block in Paragraphs().Split(text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()))
        {
            // Within a paragraph, runs of "- " lines are a list and other lines are text with line breaks.
            var lines = block.Split('\n');
            for (var i = 0; i < lines.Length;)
            {
                var isList = ListItem().IsMatch(lines[i]);
                var run = lines.Skip(i).TakeWhile(l => ListItem().IsMatch(l) == isList).ToList();
                i += run.Count;
                if (isList)
                {
                    html.Append("<ul>");
                    foreach (var line in run)
                    {
                        html.Append("<li>").Append(Inline(ListItem().Replace(line, ""))).Append("</li>");
                    }

                    html.Append("</ul>");
                }
                else
                {
                    html.Append("<p>").Append(string.Join("<br>", run.Select(Inline))).Append("</p>");
                }
            }
        }

        return html.ToString();
    }

    private static string Inline(string line)
    {
        var encoded = WebUtility.HtmlEncode(line);
        // Code spans first: nothing inside them is formatted.
        var parts = Code().Split(encoded);
        var result = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            result.Append(i % 2 == 1 ? $"<code>{parts[i]}</code>" : Format(parts[i]));
        }

        return result.ToString();
    }

    /// <summary>Links become anchors; emphasis applies only to the text between them (never inside an address).</summary>
    private static string Format(string encoded)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match link in AnyLink().Matches(encoded))
        {
            result.Append(Emphasis(encoded[last..link.Index]));
            if (link.Groups["url"].Success)
            {
                result.Append(Anchor(link.Groups["url"].Value, link.Groups["text"].Value));
                last = link.Index + link.Length;
            }
            else
            {
                // The sentence's punctuation after a bare address is not part of it: "see https://www.irs.gov." links irs.gov.
                var address = WithoutTrailingPunctuation(link.Groups["bare"].Value);
                result.Append(Anchor(address, address));
                last = link.Index + address.Length;
            }
        }

        return result.Append(Emphasis(encoded[last..])).ToString();
    }

    private static string WithoutTrailingPunctuation(string address)
    {
        while (address.Length > "https://".Length)
        {
            var end = address[^1];
            // A ';' that closes a character reference (&amp;) belongs to the address; one that ends a clause does not.
            if (end is '.' or ',' or ':' or '!' or '?' or '*' or '_' or '~'
                || (end == ';' && !EndsWithCharacterReference().IsMatch(address)))
            {
                address = address[..^1];
            }
            else
            {
                break;
            }
        }

        return address;
    }

    private static string Emphasis(string encoded) => Italic().Replace(Bold().Replace(encoded, "<strong>$1</strong>"), "<em>$2</em>");

    private static string Anchor(string url, string label) =>
        $"<a href=\"{url}\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">{label}</a>";

    [GeneratedRegex(@"\n\s*\n", RegexOptions.CultureInvariant)]
    private static partial Regex Paragraphs();

    [GeneratedRegex(@"^\s*[-*]\s+", RegexOptions.CultureInvariant)]
    private static partial Regex ListItem();

    [GeneratedRegex("`([^`]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex Code();

    // [label](https://…) or a bare https:// address: the text is already HTML-encoded, and only http(s) is ever linked. A bare address
    // ends before a quote (encoded as &quot; or &#39;), so "https://a.test" in quotes links a.test.
    [GeneratedRegex(@"\[(?<text>[^\]\[]{1,200})\]\((?<url>https?://[^\s()<>]{1,500})\)|(?<bare>\bhttps?://(?:(?!&quot;|&#39;)[^\s<>()]){1,500})",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AnyLink();

    [GeneratedRegex(@"&(?:[a-z]+|#[0-9]+);$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex EndsWithCharacterReference();

    // Emphasis opens next to a letter or digit, so masked numbers (***-**-6789) and lone asterisks stay as typed; it closes after a
    // letter, a digit or a sentence's punctuation (**Thanks!**, **Note:**, *really?*).
    [GeneratedRegex(@"\*\*(?=\w)(.+?)(?<=[\w!?.,:)])\*\*", RegexOptions.CultureInvariant)]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![\w*])([*_])(?=\w)(.+?)(?<=[\w!?.,:)])\1(?![\w*])", RegexOptions.CultureInvariant)]
    private static partial Regex Italic();
}
