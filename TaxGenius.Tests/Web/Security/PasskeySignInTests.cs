using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Identity.Passkeys;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// Passkey sign-in through the real sign-in form and Identity's WebAuthn checks, with correctly signed assertions (<see cref="SoftwarePasskey"/>):
/// only the origin differs between the accepted and the refused one.
/// </summary>
public sealed class PasskeySignInTests
{
    [Fact]
    public async Task A_signed_assertion_from_this_site_signs_in_and_the_same_passkey_asserting_another_origin_is_refused()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var (userId, passkey) = await ClientWithPasskeyAsync(app, "pia.passkey@example.test");
        using var _ = passkey;

        // Development, no public base URL: the relying party is the request's host, the origin the one the browser sent.
        using var phished = app.CreateClient(NoRedirects);
        var challenge = await StartAsync(phished, expectedRpId: "localhost");
        var refused = await PostAsync(phished, passkey.Assert(challenge, "localhost", "https://taxgenius-login.example", userId), origin: "http://localhost");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("That passkey does not belong to an account here", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await LastUsedAsync(app, passkey));

        using var browser = app.CreateClient(NoRedirects);
        challenge = await StartAsync(browser, expectedRpId: "localhost");
        var accepted = await PostAsync(browser, passkey.Assert(challenge, "localhost", "http://localhost", userId), origin: "http://localhost");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.EndsWith("/client", accepted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.NotNull(await LastUsedAsync(app, passkey));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/client")).StatusCode);

        // A replayed assertion (same challenge, the ceremony already used) signs nobody in.
        var replay = await PostAsync(browser, passkey.Assert(challenge, "localhost", "http://localhost", userId), origin: "http://localhost");
        Assert.Contains("The passkey request expired", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_public_base_url_the_relying_party_and_the_one_accepted_origin_come_from_it_whatever_the_request_says()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.PublicBaseUrlSetting] = "https://portal.example-firm.test",
        });
        var (userId, passkey) = await ClientWithPasskeyAsync(app, "paz.passkey@example.test");
        using var _ = passkey;

        // The request arrives as http://localhost (and says so in its Origin header): neither decides anything.
        using var elsewhere = app.CreateClient(NoRedirects);
        var challenge = await StartAsync(elsewhere, expectedRpId: "portal.example-firm.test");
        var refused = await PostAsync(elsewhere, passkey.Assert(challenge, "portal.example-firm.test", "http://localhost", userId), origin: "http://localhost");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        using var portal = app.CreateClient(NoRedirects);
        challenge = await StartAsync(portal, expectedRpId: "portal.example-firm.test");
        var accepted = await PostAsync(portal, passkey.Assert(challenge, "portal.example-firm.test", "https://portal.example-firm.test", userId),
            origin: "http://localhost");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.EndsWith("/client", accepted.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passkey_of_a_locked_account_does_not_sign_in()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var (userId, passkey) = await ClientWithPasskeyAsync(app, "pol.passkey@example.test");
        using var _ = passkey;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(userId.ToString()))!;
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddHours(1));
        }

        using var client = app.CreateClient(NoRedirects);
        var challenge = await StartAsync(client, expectedRpId: "localhost");
        var response = await PostAsync(client, passkey.Assert(challenge, "localhost", "http://localhost", userId), origin: "http://localhost");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Lockout", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_challenge_endpoint_names_no_account_and_refuses_a_request_without_the_antiforgery_token()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using var client = app.CreateClient(NoRedirects);
        using var bare = await client.PostAsync("/Account/PasskeyRequestOptions", null);
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal("application/problem+json", bare.Content.Headers.ContentType?.MediaType);

        var token = FormToken.In(await client.GetStringAsync("/Account/Login"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/PasskeyRequestOptions?username=" + Uri.EscapeDataString(DemoEmail));
        request.Headers.Add("X-CSRF-TOKEN", token);
        using var answer = await client.SendAsync(request);
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.TryGetProperty("allowCredentials", out var allowed) && allowed.GetArrayLength() > 0,
            "The options list no account's credentials: they would tell whether the address has an account.");
        Assert.Equal("required", json.RootElement.GetProperty("userVerification").GetString());

        using var anonymous = await client.PostAsync("/Account/PasskeyCreationOptions", null);
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_passwordless_accounts_only_passkey_cannot_be_removed_until_it_has_a_password_or_another_passkey_and_removals_are_audited()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        var (userId, first) = await ClientWithPasskeyAsync(app, "solo.passkey@example.test");
        using var _ = first;
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var registry = scope.ServiceProvider.GetRequiredService<PasskeyRegistry>();
        var user = (await users.FindByIdAsync(userId.ToString()))!;
        Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
        var actor = new TaxGenius.Core.Audit.AuditActor(userId, user.Email, null);
        var id = System.Buffers.Text.Base64Url.EncodeToString(first.CredentialId);

        Assert.Equal(PasskeyRegistry.LastMethodRefusal, await registry.RemoveAsync(user, id, actor));
        Assert.Single(await registry.ListAsync(userId));
        Assert.Equal("Give the passkey a name, like \"Work laptop\" or \"My phone\".", await registry.RenameAsync(user, id, "  "));
        Assert.Null(await registry.RenameAsync(user, id, "  Kitchen tablet "));
        Assert.Equal("Kitchen tablet", Assert.Single(await registry.ListAsync(userId)).Name);

        Assert.True((await users.AddPasswordAsync(user, "a password at last")).Succeeded);
        Assert.Null(await registry.RemoveAsync(user, id, actor));
        Assert.Empty(await registry.ListAsync(userId));
        Assert.Equal("That passkey is no longer on your account.", await registry.RemoveAsync(user, id, actor));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == TaxGenius.Core.Audit.AuditActions.PasskeyRemoved && a.SubjectUserId == userId));
    }

    private const string DemoEmail = "client@demo.taxgenius.test";

    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false, HandleCookies = true };

    private static async Task<(Guid UserId, SoftwarePasskey Passkey)> ClientWithPasskeyAsync(TaxGeniusAppFactory app, string email)
    {
        var userId = await app.CreateUserAsync(email, Roles.Client);
        var passkey = new SoftwarePasskey();
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(userId.ToString()))!;
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, passkey.ToPasskeyInfo(DateTimeOffset.UtcNow))).Succeeded);
        return (userId, passkey);
    }

    /// <summary>Opens the sign-in page and asks for a passkey challenge as its script does; returns the challenge.</summary>
    private static async Task<string> StartAsync(HttpClient client, string expectedRpId)
    {
        var token = FormToken.In(await client.GetStringAsync("/Account/Login"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/PasskeyRequestOptions");
        request.Headers.Add("X-CSRF-TOKEN", token);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expectedRpId, json.RootElement.GetProperty("rpId").GetString());
        return json.RootElement.GetProperty("challenge").GetString()!;
    }

    /// <summary>Posts the sign-in form with the credential, as the page's script does (a real form post, with the page's Origin header).</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string credentialJson, string origin)
    {
        var token = FormToken.In(await client.GetStringAsync("/Account/Login"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = token,
                ["Input.Passkey.CredentialJson"] = credentialJson,
            }),
        };
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    private static async Task<DateTime?> LastUsedAsync(TaxGeniusAppFactory app, SoftwarePasskey passkey)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        return await db.UserPasskeys.Where(p => p.CredentialId == passkey.CredentialId)
            .Select(p => EF.Property<DateTime?>(p, PasskeyRegistry.LastUsedAt)).SingleAsync();
    }
}
