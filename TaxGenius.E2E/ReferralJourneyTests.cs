using System.Text.RegularExpressions;
using TaxGenius.Core.Demo;
using TaxGenius.E2E.Infrastructure;
using TaxGenius.E2E.Pages;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.E2E;

/// <summary>
/// The referral loop in three browsers: a referrer invites an address → the invitee registers from the e-mailed link (code
/// prefilled), confirms, signs the §7216 consent on its own screen and uploads their tax return → a preparer claims and completes it
/// → the referrer's dashboard shows the conversion, the person (who consented) and the commission, and the "converted" e-mail names
/// them → the client revokes the consent in Account settings and the referrer's open dashboard shows "Not shared" without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ReferralJourneyTests(BrowserFixture browser) : AppJourney(browser)
{
    [Fact]
    public async Task Invite_register_from_the_email_complete_the_tax_return_and_the_referrer_sees_the_conversion_and_commission()
    {
        const string invitee = "nina.newclient@example.test";
        const string password = "north wind blows softly";

        // The referrer (demo data: one open invitation, one converted, one paid) invites an address.
        var referrerPage = await SignedInPageAsync(DemoAccounts.Referrer, "**/referrer");
        var dashboard = new ReferrerDashboardPage(referrerPage);
        await Assertions.Expect(dashboard.Conversions).ToHaveTextAsync("2");
        await Assertions.Expect(dashboard.Converted).ToHaveTextAsync("$50.00");
        var code = await referrerPage.GetByTestId("referral-code").InnerTextAsync();
        await Assertions.Expect(referrerPage.GetByTestId("referral-qr")).ToBeVisibleAsync();
        await dashboard.InviteAsync(invitee);
        await Assertions.Expect(dashboard.InviteResult).ToHaveTextAsync($"Invitation sent to {invitee}.");
        await Assertions.Expect(dashboard.Row("Not shared", "Invited").First).ToBeVisibleAsync();

        // Inviting the same address again is refused with the reason.
        await dashboard.InviteAsync(invitee);
        await Assertions.Expect(dashboard.InviteResult).ToContainTextAsync($"You already invited {invitee} less than a day ago.");
        await referrerPage.ScreenshotAsync("referrer-dashboard-invited");

        // The invitee opens the e-mailed link: the code is filled in; they register (consent is not asked on the form).
        var invitation = await App.WaitForEmailAsync(invitee, "Riley Referrer invited you to TaxGenius");
        var link = ReferralLink().Match(invitation.HtmlBody ?? "").Groups[1].Value;
        Assert.Equal($"{App.BaseAddress.ToString().TrimEnd('/')}/r/{code}", link);
        var clientPage = await Browser.NewPageAsync(App.BaseAddress);
        await clientPage.GotoAsync(link);
        await clientPage.WaitForURLAsync($"**/Account/Register?ref={code}");
        await Assertions.Expect(clientPage.GetByLabel("Referral code (optional)")).ToHaveValueAsync(code);
        await clientPage.ScreenshotAsync("register-referred");
        await new RegisterPage(clientPage).RegisterAsync("Nina", "Newclient", invitee, password);
        await Assertions.Expect(clientPage.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();

        var confirm = await App.WaitForEmailAsync(invitee, "Confirm your TaxGenius e-mail address");
        await clientPage.GotoAsync(ConfirmLink().Match(confirm.HtmlBody ?? "").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal));
        await Assertions.Expect(clientPage.GetByTestId("email-confirmed")).ToBeVisibleAsync();
        var signIn = new SignInPage(clientPage, App);
        await signIn.OpenAsync();
        await signIn.SignInAsync(invitee, password);

        // First visit: the consent screen, on its own, naming the recipient; an empty signature is refused; then signed.
        await clientPage.WaitForURLAsync("**/Account/Consent/Referral");
        await Assertions.Expect(clientPage.GetByTestId("consent-recipient")).ToContainTextAsync("Riley Referrer");
        await Assertions.Expect(clientPage.GetByTestId("consent-text")).ToContainTextAsync("Treasury Inspector General for Tax Administration");
        await clientPage.GetByTestId("consent-grant").ClickAsync();
        await Assertions.Expect(clientPage.GetByTestId("consent-error")).ToContainTextAsync("Type your full name");
        await clientPage.ScreenshotAsync("consent-referral");
        await clientPage.AssertAxeCleanAsync("consent screen");
        await clientPage.GetByLabel("Type your full name to sign").FillAsync("Nina Newclient");
        await clientPage.GetByTestId("consent-grant").ClickAsync();
        await clientPage.WaitForURLAsync("**/Account/Manage/Consents");
        await Assertions.Expect(clientPage.GetByTestId("consent-status")).ToContainTextAsync("In force until");
        await clientPage.GetByTestId("consents-home").ClickAsync();
        await clientPage.WaitForURLAsync("**/client");

        // The referrer now sees a sign-up, still without commission.
        await dashboard.ReloadAsync();
        await Assertions.Expect(dashboard.Row("Nina Newclient", "Signed up")).ToBeVisibleAsync();

        // The client uploads last year's return.
        var documents = new DocumentsPage(clientPage);
        await documents.GotoAsync();
        var file = await FileAsync("2025-tax-return.pdf", SampleFiles.Pdf("Form 1040 (sample)"));
        await documents.ChooseFilesAsync(file);
        await Assertions.Expect(documents.QueueItem("2025-tax-return.pdf").GetByTestId("upload-type")).ToContainTextAsync("tax return");
        await documents.StartUploadAsync();
        await Assertions.Expect(documents.Row("2025-tax-return.pdf")).ToHaveAttributeAsync("data-status", "PENDING");
        var documentId = Guid.Parse((await documents.Row("2025-tax-return.pdf").GetAttributeAsync("data-document-id"))!);

        // A preparer claims and completes it.
        var preparerPage = await SignedInPageAsync(DemoAccounts.Preparer, "**/preparer");
        var review = new ReviewPage(preparerPage);
        await review.GotoAsync(documentId);
        await review.ClaimAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("PROCESSING");
        await review.CompleteAsync();
        await Assertions.Expect(review.Status).ToHaveTextAsync("COMPLETED");

        // The referrer's dashboard shows the conversion and the commission; the e-mail names the client, who agreed.
        await dashboard.ReloadAsync();
        await Assertions.Expect(dashboard.Conversions).ToHaveTextAsync("3");
        await Assertions.Expect(dashboard.Converted).ToHaveTextAsync("$100.00");
        var row = dashboard.Row("Nina Newclient", "Converted");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(referrerPage.Locator("tr", new() { Has = row }).GetByTestId("referral-commission")).ToHaveTextAsync("$50.00");
        // This month's line, on top, counts the conversion (newest month first, twelve of them).
        await Assertions.Expect(referrerPage.GetByTestId("referral-months").Locator("li")).ToHaveCountAsync(12);
        await Assertions.Expect(referrerPage.GetByTestId("referral-months").Locator("li").First)
            .ToHaveAttributeAsync("data-key", DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(referrerPage.GetByTestId("referral-months").Locator("li").First).ToContainTextAsync("conversion");
        await referrerPage.ScreenshotAsync("referrer-dashboard-converted");
        var converted = await App.WaitForEmailAsync(DemoAccounts.Referrer, "Your referral became a client: you earned $50.00");
        Assert.Contains("Nina Newclient", converted.TextBody, StringComparison.Ordinal);

        // The client revokes the consent in Account settings; the referrer's open dashboard hides them at once, without a reload.
        await clientPage.GotoAsync("Account/Manage/Consents");
        await clientPage.GetByTestId("consent-revoke").ClickAsync();
        await Assertions.Expect(clientPage.GetByTestId("consent-status")).ToContainTextAsync("Revoked");
        await clientPage.ScreenshotAsync("consents-revoked");
        await clientPage.AssertAxeCleanAsync("consents page");
        await Assertions.Expect(dashboard.Row("Nina Newclient", "Converted")).ToHaveCountAsync(0);
        // An invited person without consent shows no progress at all: back to "Invited", like Jordan's open invitation.
        await Assertions.Expect(dashboard.Row("Not shared", "Invited")).ToHaveCountAsync(2);
        await referrerPage.ScreenshotAsync("referrer-dashboard-revoked");
    }

    [GeneratedRegex("href=\"([^\"]*/r/[A-Z2-9]+)\"")]
    private static partial Regex ReferralLink();

    [GeneratedRegex("href=\"([^\"]*Account/ConfirmEmail[^\"]*)\"")]
    private static partial Regex ConfirmLink();
}
