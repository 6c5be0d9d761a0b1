using TaxGenius.Core.Messaging;

namespace TaxGenius.Tests.Core.Messaging;

/// <summary>The Markdown subset (no raw HTML ever reaches the page) and SSN-shaped text.</summary>
public sealed class MessageTextTests
{
    [Theory]
    [InlineData("Hello **there**", "<p>Hello <strong>there</strong></p>")]
    [InlineData("It is *due* on `April 15`", "<p>It is <em>due</em> on <code>April 15</code></p>")]
    [InlineData("line one\nline two\n\nnext", "<p>line one<br>line two</p><p>next</p>")]
    [InlineData("- W-2\n- 1099-INT", "<ul><li>W-2</li><li>1099-INT</li></ul>")]
    [InlineData("Still needed:\n- W-2\n- 1099-INT\nThanks", "<p>Still needed:</p><ul><li>W-2</li><li>1099-INT</li></ul><p>Thanks</p>")]
    [InlineData("See [the IRS](https://www.irs.gov/forms?a=1&b=2)",
        "<p>See <a href=\"https://www.irs.gov/forms?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">the IRS</a></p>")]
    [InlineData("SSN ***-**-6789 and 2 * 3 = 6", "<p>SSN ***-**-6789 and 2 * 3 = 6</p>")]
    [InlineData("**W-2** and _1099_", "<p><strong>W-2</strong> and <em>1099</em></p>")]
    [InlineData("Your W-2 is in. **Thanks!**", "<p>Your W-2 is in. <strong>Thanks!</strong></p>")]
    [InlineData("**Note:** bring your ID, *please.*", "<p><strong>Note:</strong> bring your ID, <em>please.</em></p>")]
    [InlineData("Is it *really?* Yes.", "<p>Is it <em>really?</em> Yes.</p>")]
    [InlineData("See https://www.irs.gov.", "<p>See <a href=\"https://www.irs.gov\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://www.irs.gov</a>.</p>")]
    [InlineData("Forms: https://www.irs.gov/forms, then sign!", "<p>Forms: <a href=\"https://www.irs.gov/forms\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://www.irs.gov/forms</a>, then sign!</p>")]
    [InlineData("Open \"https://a.test/x\" now", "<p>Open &quot;<a href=\"https://a.test/x\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://a.test/x</a>&quot; now</p>")]
    [InlineData("https://a.test/?q=1&b=2; then", "<p><a href=\"https://a.test/?q=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://a.test/?q=1&amp;b=2</a>; then</p>")]
    [InlineData("https://example.test/a_b_c", "<p><a href=\"https://example.test/a_b_c\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://example.test/a_b_c</a></p>")]
    public void Renders_the_subset(string text, string html) => Assert.Equal(html, MessageMarkdown.ToHtml(text));

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[x](https://a.test\" onmouseover=\"alert(1))")]
    [InlineData("**<b>bold</b>**")]
    public void Never_lets_markup_or_script_links_through(string text)
    {
        var html = MessageMarkdown.ToHtml(text);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("My SSN is 123-45-6789.", true, "My SSN is ***-**-6789.")]
    [InlineData("ssn 123 45 6789", true, "ssn ***-**-6789")]
    [InlineData("123456789", true, "***-**-6789")]
    [InlineData("Call 555-123-4567 please", false, "Call 555-123-4567 please")]
    [InlineData("Invoice 2026-01-1234", false, "Invoice 2026-01-1234")]
    [InlineData("000-12-3456 is not valid", false, "000-12-3456 is not valid")]
    [InlineData("Account 1234567890", false, "Account 1234567890")]
    [InlineData("mixed 123-45 6789", false, "mixed 123-45 6789")]
    public void Finds_and_masks_SSN_shaped_text(string text, bool contains, string masked)
    {
        Assert.Equal(contains, SsnText.Contains(text));
        Assert.Equal(masked, SsnText.Mask(text));
    }

    [Fact]
    public void Gives_the_first_SSN_normalized_and_replaces_them()
    {
        Assert.Equal("123-45-6789", SsnText.First("it is 123456789 and 234-56-7890"));
        Assert.Equal("it is [in my profile] and [in my profile]", SsnText.Replace("it is 123456789 and 234-56-7890", "[in my profile]"));
        Assert.Null(SsnText.First("nothing here 12-34"));
    }
}
