using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Demo;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// Links in e-mails come from the configured public address, never from a request's Host header: otherwise anyone could make the
/// app e-mail a victim a genuine reset link that points at the attacker's site.
/// </summary>
public sealed class PublicLinkTests
{
    [Fact]
    public async Task A_reset_requested_with_a_foreign_host_header_e_mails_a_link_to_the_apps_own_address()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var answer = await PostFormAsync(client, "/Account/ForgotPassword", "forgot-password", DemoAccounts.Client, host: "evil.example");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);

        var link = LinkIn(await app.WaitForEmailAsync(DemoAccounts.Client, "Reset your TaxGenius password"), "Account/ResetPassword");
        Assert.StartsWith(PublicUrls.DevelopmentDefault + "/Account/ResetPassword?code=", link, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", link, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Confirmation_links_from_registration_and_resending_use_the_configured_address_whatever_the_host()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = "https://portal.example-firm.com",
        });
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using (var registered = await PostFormAsync(client, "/Account/Register", "register", "new.client@example.test", host: "evil.example",
            ("Input.FirstName", "New"), ("Input.LastName", "Client"), ("Input.Password", "a long enough password"),
            ("Input.ConfirmPassword", "a long enough password")))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        var first = LinkIn(await app.WaitForEmailAsync("new.client@example.test", "Confirm your TaxGenius e-mail address"), "Account/ConfirmEmail");
        Assert.StartsWith("https://portal.example-firm.com/Account/ConfirmEmail?userId=", first, StringComparison.Ordinal);

        using (var resent = await PostFormAsync(client, "/Account/ResendEmailConfirmation", "resend-email-confirmation", "new.client@example.test", host: "evil.example"))
        {
            Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        }

        await WaitForCountAsync(app, "new.client@example.test", 2);
        Assert.All(app.Outbox.List().Where(e => e.To.Contains("new.client@example.test", StringComparison.Ordinal)),
            e => Assert.StartsWith("https://portal.example-firm.com/", LinkIn(e.Message, "Account/ConfirmEmail"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_production_only_the_public_host_is_served_and_links_use_it()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = "Production",
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = "https://portal.example-firm.com",
            ["Bootstrap:AdminEmail"] = "owner@firm.example",
            ["Bootstrap:AdminPassword"] = "the owner's long password",
        });
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/Account/ForgotPassword");
        foreign.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(foreign)).StatusCode);

        using var own = new HttpRequestMessage(HttpMethod.Get, "https://portal.example-firm.com/Account/ForgotPassword");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(own)).StatusCode);
        Assert.Equal("https://portal.example-firm.com", app.Services.GetRequiredService<PublicUrls>().BaseUrl);
    }

    [Fact]
    public async Task Outside_development_the_app_refuses_to_start_without_a_public_base_url_and_names_the_setting()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = "Staging",
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = null,
        });
        var error = Assert.ThrowsAny<Exception>(() => app.StartServer());
        var validation = Assert.IsType<OptionsValidationException>(error.InnerException ?? error, exactMatch: false);
        Assert.Contains("TaxGenius:PublicBaseUrl", validation.Message, StringComparison.Ordinal);
    }

    /// <summary>Gets the form's page (for its antiforgery token), then posts it with <paramref name="host"/> as the Host header.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string handler, string email, string host,
        params (string Name, string Value)[] fields)
    {
        var token = FormToken.In(await client.GetStringAsync(path));
        var form = new Dictionary<string, string> { ["_handler"] = handler, ["__RequestVerificationToken"] = token, ["Input.Email"] = email };
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    private static string LinkIn(MimeKit.MimeMessage message, string path) =>
        WebUtility.HtmlDecode(Regex.Match(message.HtmlBody ?? "", $"href=\"([^\"]*{Regex.Escape(path)}[^\"]*)\"").Groups[1].Value);

    private static async Task WaitForCountAsync(TaxGeniusAppFactory app, string to, int count)
    {
        for (var i = 0; i < 100 && app.Outbox.List().Count(e => e.To.Contains(to, StringComparison.Ordinal)) < count; i++)
        {
            await Task.Delay(100);
        }
    }
}
