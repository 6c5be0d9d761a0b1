using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using TaxGenius.Core.Profiles;
using TaxGenius.Tests.Core.Profiles;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Pages.Client;

namespace TaxGenius.Tests.Web.Components;

public sealed class ProfileFormTests : MudBunitContext
{
    private readonly List<ProfileInput> saved = [];

    private IRenderedComponent<ProfileForm> RenderForm(ProfileInput value)
    {
        Render<MudPopoverProvider>();
        return Render<ProfileForm>(p => p
            .Add(f => f.Value, value)
            .Add(f => f.Save, input =>
            {
                saved.Add(input);
                return Task.FromResult(new ProfileSaveResult(new Dictionary<string, string>()));
            }));
    }

    internal static IElement Input(IRenderedComponent<ProfileForm> form, string testId) =>
        form.Find($"input[data-testid='{testId}'], [data-testid='{testId}'] input");

    private static List<string> Messages(IRenderedComponent<ProfileForm> form) =>
        [.. form.FindAll(".mud-input-error .mud-input-helper-text, .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0)];

    [Fact]
    public void Empty_required_fields_show_their_messages_and_nothing_is_saved()
    {
        var form = RenderForm(new ProfileInput());

        form.Find("[data-testid='profile-save']").Click();

        form.WaitForAssertion(() =>
        {
            var messages = Messages(form);
            Assert.Contains("Enter your first name.", messages);
            Assert.Contains("Enter your last name.", messages);
        });
        Assert.Empty(saved);
    }

    [Fact]
    public void A_bad_phone_and_zip_show_their_messages()
    {
        var value = ProfileInputTests.Valid();
        var form = RenderForm(value);

        Input(form, "profile-phone").Change("555-0100");
        Input(form, "profile-zip").Change("1234");
        form.Find("[data-testid='profile-save']").Click();

        form.WaitForAssertion(() =>
        {
            var messages = Messages(form);
            Assert.Contains("A US phone number has 10 digits, e.g. (555) 555-0100.", messages);
            Assert.Contains("Enter a 5-digit ZIP code or ZIP+4, e.g. 12345 or 12345-6789.", messages);
        });
        Assert.Empty(saved);
    }

    [Fact]
    public void Valid_input_is_saved_and_shows_no_messages()
    {
        var form = RenderForm(new ProfileInput { State = "TX" });

        Input(form, "profile-first-name").Change("Casey");
        Input(form, "profile-last-name").Change("Client");
        Input(form, "profile-phone").Change("+1 512 555 0100");
        Input(form, "profile-street").Change("1 Main St");
        Input(form, "profile-city").Change("Austin");
        Input(form, "profile-zip").Change("78701-1234");
        form.Find("[data-testid='profile-save']").Click();

        form.WaitForAssertion(() => Assert.Single(saved));
        Assert.Equal(("Casey", "Client", "+1 512 555 0100", "78701-1234", "TX"),
            (saved[0].FirstName, saved[0].LastName, saved[0].Phone, saved[0].Zip, saved[0].State));
        Assert.Empty(Messages(form));
        Assert.Empty(form.FindAll("[data-testid='profile-errors']"));
    }
}
