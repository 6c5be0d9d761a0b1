using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaxGenius.Core;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Tests.Core.Email;

/// <summary>Every e-mail template rendered through HtmlRenderer, no database or web host involved.</summary>
public sealed class EmailTemplateTests : IDisposable
{
    private const string RejectionReason = "<script>alert(1)</script> & \"quotes\"";

    private readonly ServiceProvider provider;

    public EmailTemplateTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<TaxGeniusOptions>().Configure(o => o.FirmName = "Acme Tax");
        services.AddTaxGeniusEmailTemplates();
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public void Dispose() => provider.Dispose();

    private EmailRenderer Renderer => provider.GetRequiredService<EmailRenderer>();

    /// <summary>Each template with the URL of its call to action.</summary>
    public static TheoryData<EmailTemplate, string> Templates => new()
    {
        { new WelcomeEmail("Casey", "https://app.example.test/Account/Login"), "https://app.example.test/Account/Login" },
        { new ConfirmEmailEmail("Casey", "https://app.example.test/Account/ConfirmEmail?userId=7&code=abc-123"), "https://app.example.test/Account/ConfirmEmail?userId=7&code=abc-123" },
        { new ConfirmEmailEmail(null, "https://app.example.test/Account/ConfirmEmail?userId=8&code=xyz"), "https://app.example.test/Account/ConfirmEmail?userId=8&code=xyz" },
        { new PasswordResetEmail("https://app.example.test/Account/ResetPassword?code=r3s3t"), "https://app.example.test/Account/ResetPassword?code=r3s3t" },
        { new DocumentStatusChangedEmail("Casey", "W-2", "w2-2025.pdf", 2025, "PROCESSING", "https://app.example.test/client"), "https://app.example.test/client" },
        { new DocumentRejectedEmail("Casey", "W-2", "w2-2025.pdf", 2025, "The scan is cut off.", "https://app.example.test/client"), "https://app.example.test/client" },
        { new ReferralInvitationEmail("Riley Referrer", "https://app.example.test/r/ABCD2345"), "https://app.example.test/r/ABCD2345" },
        { new ReferralConvertedEmail("Riley", 50.00m, "https://app.example.test/referrer", null), "https://app.example.test/referrer" },
        { new CommissionPaidEmail("Riley", 150.00m, "PAY-2026-0001", new DateOnly(2026, 11, 24), "https://app.example.test/referrer"), "https://app.example.test/referrer" },
        { new StaffInvitationEmail("Preparer", "https://app.example.test/Account/AcceptInvitation?token=t0k3n", new DateTime(2026, 12, 1, 14, 5, 0, DateTimeKind.Utc)), "https://app.example.test/Account/AcceptInvitation?token=t0k3n" },
        { new PasswordResetRequiredEmail("https://app.example.test/Account/ResetPassword?code=f0rc3d"), "https://app.example.test/Account/ResetPassword?code=f0rc3d" },
        { new DocumentsRequestedEmail("Casey", 2026, ["W-2 from Acme Corp", "1098 mortgage interest statement"], new DateOnly(2027, 4, 15), "https://app.example.test/client#requests"), "https://app.example.test/client#requests" },
        { new DocumentsReminderEmail("Casey", 2026, ["W-2 from Acme Corp"], 2, new DateOnly(2027, 4, 15), "https://app.example.test/client#requests"), "https://app.example.test/client#requests" },
        { new ReturnStageEmail("Casey", 2026, ReturnMilestone.ReadyToSign, "https://app.example.test/client"), "https://app.example.test/client" },
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_renders_a_branded_HTML_part_and_a_plain_text_part(EmailTemplate template, string url)
    {
        var email = await Renderer.RenderAsync(template);

        Assert.False(string.IsNullOrWhiteSpace(email.Subject));
        Assert.Equal(template.Subject, email.Subject);
        Assert.Equal(template.Name, email.TemplateName);
        Assert.Equal(template.HighPriority, email.HighPriority);

        Assert.StartsWith("<!DOCTYPE html>", email.Html, StringComparison.Ordinal);
        Assert.Contains("Acme Tax", email.Html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", email.Html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"viewport\"", email.Html, StringComparison.Ordinal);
        Assert.Contains("#1e3a8a", email.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(url)}\"", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", email.Html, StringComparison.OrdinalIgnoreCase);

        Assert.Contains(url, email.Text, StringComparison.Ordinal);
        Assert.Contains("Acme Tax", email.Text, StringComparison.Ordinal);
        Assert.Contains("never ask for your Social Security number", email.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch("<[a-zA-Z/!]", email.Text);
        Assert.DoesNotContain("&amp;", email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("null", email.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_composes_into_a_valid_multipart_MIME_message(EmailTemplate template, string url)
    {
        var email = await Renderer.RenderAsync(template);
        var message = new MimeMessage { Subject = email.Subject };
        message.From.Add(new MailboxAddress("Acme Tax", "noreply@example.test"));
        message.To.Add(new MailboxAddress("Casey", "casey@example.test"));
        message.Body = new BodyBuilder { HtmlBody = email.Html, TextBody = email.Text }.ToMessageBody();

        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        stream.Position = 0;
        using var loaded = await MimeMessage.LoadAsync(stream);

        Assert.Equal(email.Subject, loaded.Subject);
        var body = Assert.IsAssignableFrom<Multipart>(loaded.Body);
        Assert.Equal("multipart/alternative", body.ContentType.MimeType);
        Assert.Equal(["text/plain", "text/html"], body.Select(part => part.ContentType.MimeType));
        var text = Assert.IsType<string>(loaded.TextBody);
        var html = Assert.IsType<string>(loaded.HtmlBody);
        Assert.Contains(url, text, StringComparison.Ordinal);
        Assert.Contains("Acme Tax", html, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(email.Text.ReplaceLineEndings(), text.TrimEnd().ReplaceLineEndings());
    }

    [Fact]
    public void Subjects_names_and_priorities_are_as_agreed()
    {
        Assert.Equal("Confirm your TaxGenius e-mail address", new ConfirmEmailEmail(null, "https://x.test/c").Subject);
        Assert.Equal("Reset your TaxGenius password", new PasswordResetEmail("https://x.test/r").Subject);
        Assert.True(new PasswordResetEmail("https://x.test/r").HighPriority);

        var templates = Templates.Select(row => (EmailTemplate)row[0]).ToList();
        Assert.True(new PasswordResetRequiredEmail("https://x.test/r").HighPriority);
        Assert.All(templates.Where(t => t is not (PasswordResetEmail or PasswordResetRequiredEmail)), t => Assert.False(t.HighPriority));
        Assert.All(templates, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t.Name));
        Assert.Equal(13, templates.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void A_template_prints_its_name_only_so_links_and_personal_data_stay_out_of_logs()
    {
        var template = new PasswordResetEmail("https://app.example.test/Account/ResetPassword?code=s3cret");

        Assert.Equal("PasswordResetEmail (password-reset)", template.ToString());
    }

    [Fact]
    public async Task The_rejection_reason_is_HTML_encoded_in_the_HTML_and_verbatim_in_the_text()
    {
        var email = await Renderer.RenderAsync(new DocumentRejectedEmail(
            "<b>Casey</b>", "W-2", "<img src=x onerror=alert(1)>.pdf", 2025, RejectionReason, "https://app.example.test/client"));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>Casey</b>", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", email.Html, StringComparison.OrdinalIgnoreCase);

        Assert.Contains(RejectionReason, email.Text, StringComparison.Ordinal);
        Assert.Contains("Hello <b>Casey</b>,", email.Text, StringComparison.Ordinal);
        Assert.Contains("Reason from your preparer", email.Text, StringComparison.Ordinal);
        Assert.Contains("Upload a replacement: https://app.example.test/client", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_status_shows_a_friendly_word_and_the_status()
    {
        var email = await Renderer.RenderAsync(new DocumentStatusChangedEmail("Casey", "1099-INT", "bank.pdf", 2025, "COMPLETED", "https://app.example.test/client"));

        Assert.Equal("Update on your 1099-INT for 2025: Done", email.Subject);
        Assert.Contains("Status Done (COMPLETED)", email.Text, StringComparison.Ordinal);
        Assert.Contains("bank.pdf", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Money_is_US_dollars_whatever_the_server_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var converted = await Renderer.RenderAsync(new ReferralConvertedEmail("Riley", 1234.5m, "https://app.example.test/referrer", null));
            var paid = await Renderer.RenderAsync(new CommissionPaidEmail("Riley", 1234.50m, "PAY-2026-0042", new DateOnly(2026, 11, 24), "https://app.example.test/referrer"));

            Assert.Contains("$1,234.50", converted.Subject, StringComparison.Ordinal);
            Assert.Contains("$1,234.50", converted.Html, StringComparison.Ordinal);
            Assert.Contains("$1,234.50", converted.Text, StringComparison.Ordinal);
            Assert.Equal("Your referral commission of $1,234.50 has been paid", paid.Subject);
            Assert.Contains("Amount $1,234.50", paid.Text, StringComparison.Ordinal);
            Assert.Contains("Paid on November 24, 2026", paid.Text, StringComparison.Ordinal);
            Assert.Contains("Payment reference PAY-2026-0042", paid.Text, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public async Task A_converted_referral_names_no_one_unless_the_client_agreed()
    {
        var anonymous = await Renderer.RenderAsync(new ReferralConvertedEmail("Riley", 50m, "https://app.example.test/referrer", null));
        var named = await Renderer.RenderAsync(new ReferralConvertedEmail("Riley", 50m, "https://app.example.test/referrer", "Jordan Lee"));

        foreach (var part in new[] { anonymous.Subject, anonymous.Html, anonymous.Text })
        {
            Assert.DoesNotContain("null", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ClientName", part, StringComparison.Ordinal);
            Assert.DoesNotContain("whom you referred", part, StringComparison.Ordinal);
            Assert.DoesNotContain("{", part.Replace("{ ", "", StringComparison.Ordinal), StringComparison.Ordinal); // CSS braces are followed by a space
        }

        Assert.Contains("One of the people you referred became a client", anonymous.Text, StringComparison.Ordinal);
        Assert.Contains("Jordan Lee, whom you referred, became a client of Acme Tax", named.Text, StringComparison.Ordinal);
        Assert.Contains("<strong>Jordan Lee</strong>", named.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Jordan", named.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rendering_works_when_the_app_registers_scoped_cascading_values()
    {
        // The web app registers scoped cascading value suppliers (authentication state); the renderer resolves them,
        // which the root provider refuses under scope validation.
        var services = new ServiceCollection();
        services.AddOptions<TaxGeniusOptions>().Configure(o => o.FirmName = "Acme Tax");
        services.AddCascadingValue(_ => new Version(1, 0));
        services.AddTaxGeniusEmailTemplates();
        await using var app = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        var email = await app.GetRequiredService<EmailRenderer>().RenderAsync(new WelcomeEmail("Casey", "https://app.example.test/Account/Login"));

        Assert.Contains("Welcome to Acme Tax, Casey!", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_configuration_the_firm_is_called_TaxGenius()
    {
        await using var app = new ServiceCollection().AddTaxGeniusEmailTemplates().BuildServiceProvider();

        var email = await app.GetRequiredService<EmailRenderer>().RenderAsync(new PasswordResetEmail("https://app.example.test/reset"));

        Assert.Contains("TaxGenius", email.Html, StringComparison.Ordinal);
        Assert.Contains("expires", email.Text, StringComparison.Ordinal);
        Assert.Contains("did not ask", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_render_throws()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Renderer.RenderAsync(new WelcomeEmail("Casey", "https://x.test/"), new CancellationToken(canceled: true)));
    }
}

public sealed class HtmlToTextTests
{
    [Theory]
    [InlineData("<a href=\"https://x.test/a\">Open</a>", "Open: https://x.test/a")]
    [InlineData("<a href=\"https://x.test/a\">https://x.test/a</a>", "https://x.test/a")]
    [InlineData("<a href='https://x.test/a?x=1&amp;y=2' style=\"color:red\">  Sign <b>in</b> </a>", "Sign in: https://x.test/a?x=1&y=2")]
    [InlineData("<a href=\"mailto:help@x.test\">help@x.test</a>", "help@x.test")]
    [InlineData("<a href=\"https://x.test/\"></a>", "https://x.test/")]
    [InlineData("<a name=\"top\">Top</a>", "Top")]
    public void Links_become_text_and_address(string html, string expected) =>
        Assert.Equal(expected, HtmlToText.Convert(html));

    [Fact]
    public void Entities_are_decoded_once()
    {
        var text = HtmlToText.Convert("<p>Tom &amp; Jerry &lt;3 &quot;quoted&quot; &#39;single&#39; caf&eacute; a&nbsp;b &amp;lt;</p>");

        Assert.Equal("Tom & Jerry <3 \"quoted\" 'single' café a b &lt;", text);
    }

    [Fact]
    public void Line_breaks_paragraphs_rows_and_headings_become_lines()
    {
        var html = """
            <h1>Title</h1>
            <p>First line<br>second line<br/>third</p>
            <p>Next paragraph</p>
            <table><tr><td>Amount</td><td>$5.00</td></tr><tr><td>Paid on</td><td>today</td></tr></table>
            """;

        Assert.Equal("Title\n\nFirst line\nsecond line\nthird\n\nNext paragraph\n\nAmount $5.00\nPaid on today", HtmlToText.Convert(html));
    }

    [Fact]
    public void List_items_become_dashed_lines()
    {
        var text = HtmlToText.Convert("<p>Steps:</p><ul>\n  <li>One</li>\n  <li>Two <em>words</em></li>\n</ul><p>Done</p>");

        Assert.Equal("Steps:\n\n- One\n- Two words\n\nDone", text);
    }

    [Fact]
    public void Head_styles_scripts_comments_and_the_preheader_are_dropped()
    {
        var html = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>The title</title><style>p { color: red; }</style></head>
            <body>
            <div data-preheader="true" style="display:none">Hidden preview&#847;&zwnj;&nbsp;</div>
            <!--[if mso]><table><tr><td><![endif]-->
            <script>alert(1)</script>
            <p>Visible</p>
            </body></html>
            """;

        Assert.Equal("Visible", HtmlToText.Convert(html));
    }

    [Fact]
    public void Whitespace_runs_and_blank_lines_are_collapsed()
    {
        var text = HtmlToText.Convert("<p>  a \t  lot\n   of    space  </p><br><br><br><br><p>end</p>");

        Assert.Equal("a lot of space\n\nend", text);
    }
}
