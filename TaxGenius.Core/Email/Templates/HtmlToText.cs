using System.Net;
using System.Text.RegularExpressions;

namespace TaxGenius.Core.Email.Templates;

/// <summary>
/// The plain-text part of an e-mail, made from its HTML part. Written for the HTML our templates produce
/// (well-formed, no &lt;pre&gt;), with regular expressions only: it is not a general HTML parser.
/// </summary>
public static partial class HtmlToText
{
    public static string Convert(string html)
    {
        ArgumentNullException.ThrowIfNull(html);

        var text = Comments().Replace(html, " "); // also Outlook's conditional comments
        text = Declarations().Replace(text, " "); // <!DOCTYPE html>
        text = InvisibleElements().Replace(text, " ");
        text = Preheader().Replace(text, " ");
        text = Whitespace().Replace(text, " "); // the source's own line breaks and indentation are not content
        text = Links().Replace(text, FormatLink);
        text = LineBreaks().Replace(text, "\n");
        text = ParagraphEnds().Replace(text, "\n\n");
        text = BlockEnds().Replace(text, "\n");
        text = ListItemStarts().Replace(text, "- ");
        text = CellEnds().Replace(text, " ");
        text = Tags().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        text = ZeroWidth().Replace(text, "");

        var lines = text.Split('\n').Select(line => HorizontalWhitespace().Replace(line, " ").Trim());
        text = string.Join('\n', lines);
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    /// <summary>
    /// <c>&lt;a href="u"&gt;text&lt;/a&gt;</c> becomes "text: u", or just "u" when the text is the address.
    /// The result is HTML-encoded again so that the one decoding pass at the end restores it exactly.
    /// </summary>
    private static string FormatLink(Match link)
    {
        var label = Whitespace().Replace(WebUtility.HtmlDecode(Tags().Replace(link.Groups["text"].Value, "")), " ").Trim();
        var href = Href().Match(link.Groups["attrs"].Value);
        if (!href.Success)
        {
            return WebUtility.HtmlEncode(label);
        }

        var url = WebUtility.HtmlDecode(href.Groups["url"].Value).Trim();
        string result;
        if (label.Length == 0 || SameAddress(label, url))
        {
            result = url;
        }
        else if (url.Length == 0 || url.StartsWith('#') || SameAddress(label, StripMailto(url)))
        {
            result = label;
        }
        else
        {
            result = $"{label}: {url}";
        }

        return WebUtility.HtmlEncode(result);
    }

    private static bool SameAddress(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string StripMailto(string url) =>
        url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? url["mailto:".Length..] : url;

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant;

    [GeneratedRegex("<!--.*?-->", Options)]
    private static partial Regex Comments();

    [GeneratedRegex("<![a-z][^>]*>", Options)]
    private static partial Regex Declarations();

    [GeneratedRegex(@"<(?<tag>head|style|script|title|noscript|template)\b[^>]*>.*?</\k<tag>\s*>", Options)]
    private static partial Regex InvisibleElements();

    /// <summary>The hidden preview text; the layout marks it with <c>data-preheader</c>.</summary>
    [GeneratedRegex(@"<(?<tag>[a-z][a-z0-9]*)\b[^>]*\bdata-preheader\b[^>]*>.*?</\k<tag>\s*>", Options)]
    private static partial Regex Preheader();

    [GeneratedRegex(@"<a\b(?<attrs>[^>]*)>(?<text>.*?)</a\s*>", Options)]
    private static partial Regex Links();

    [GeneratedRegex(@"\bhref\s*=\s*(?:""(?<url>[^""]*)""|'(?<url>[^']*)'|(?<url>[^\s>]+))", Options)]
    private static partial Regex Href();

    [GeneratedRegex(@"<br\b[^>]*>", Options)]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"</(?:p|h[1-6])\s*>", Options)]
    private static partial Regex ParagraphEnds();

    [GeneratedRegex(@"</(?:tr|li|div|table|ul|ol|blockquote)\s*>|<(?:ul|ol|hr)\b[^>]*>", Options)]
    private static partial Regex BlockEnds();

    [GeneratedRegex(@"<li\b[^>]*>", Options)]
    private static partial Regex ListItemStarts();

    [GeneratedRegex(@"</(?:td|th)\s*>", Options)]
    private static partial Regex CellEnds();

    [GeneratedRegex(@"<[^>]*>", Options)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+", Options)]
    private static partial Regex Whitespace();

    /// <summary>Any whitespace but the line breaks, including the non-breaking and figure spaces that entities decode to.</summary>
    [GeneratedRegex(@"[^\S\n]+", Options)]
    private static partial Regex HorizontalWhitespace();

    /// <summary>Zero-width and invisible characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, combining grapheme joiner, soft hyphen).</summary>
    [GeneratedRegex("[\u200B-\u200D\u2060\uFEFF\u034F\u00AD]", Options)]
    private static partial Regex ZeroWidth();

    /// <summary>More than one blank line in a row.</summary>
    [GeneratedRegex(@"\n{3,}", Options)]
    private static partial Regex BlankLines();
}
