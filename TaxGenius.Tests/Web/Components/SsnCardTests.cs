using Bunit;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Pages.Client;

namespace TaxGenius.Tests.Web.Components;

public sealed class SsnCardTests : MudBunitContext
{
    private readonly List<string> saved = [];

    private IRenderedComponent<SsnCard> RenderCard(string? masked) => Render<SsnCard>(p => p
        .Add(c => c.Masked, masked)
        .Add(c => c.Save, ssn =>
        {
            saved.Add(ssn);
            return Task.FromResult(new SsnSaveResult(null, SsnProtector.Mask(ssn)));
        }));

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<SsnCard> card) =>
        card.Find("input[data-testid='ssn-input'], [data-testid='ssn-input'] input");

    [Fact]
    public void With_none_on_file_it_asks_for_the_number_masked_and_without_autocomplete()
    {
        var card = RenderCard(null);

        var input = Input(card);
        Assert.Equal("password", input.GetAttribute("type"));
        Assert.Equal("numeric", input.GetAttribute("inputmode"));
        Assert.Equal("off", card.Find("[data-testid='ssn-input']").GetAttribute("autocomplete"));
        Assert.Empty(card.FindAll("[data-testid='ssn-masked']"));
    }

    [Fact]
    public void After_saving_only_the_mask_is_rendered_and_replace_opens_the_input_again()
    {
        var card = RenderCard(null);

        Input(card).Change("078-05-1120");
        card.Find("[data-testid='ssn-save']").Click();

        card.WaitForAssertion(() => Assert.Equal("***-**-1120", card.Find("[data-testid='ssn-masked']").TextContent));
        Assert.Equal(["078-05-1120"], saved);
        Assert.DoesNotContain("078-05-1120", card.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("078051120", card.Markup, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid='ssn-input']"));

        card.Find("[data-testid='ssn-replace']").Click();
        Assert.Equal("", Input(card).GetAttribute("value") ?? "");
    }

    [Fact]
    public void An_impossible_number_shows_the_reason_and_is_not_saved()
    {
        var card = RenderCard(null);

        Input(card).Change("900-12-3456");
        card.Find("[data-testid='ssn-save']").Click();

        Assert.Equal(SsnValidator.Area9, card.Find("[data-testid='ssn-error']").TextContent);
        // Said once: the field turns red without repeating the message under itself.
        Assert.Equal(1, card.Markup.Split(SsnValidator.Area9).Length - 1);
        Assert.Empty(saved);
    }
}
