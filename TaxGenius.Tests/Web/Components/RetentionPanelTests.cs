using Bunit;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Compliance.Retention;
using TaxGenius.Core.Settings;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Pages.Admin;

namespace TaxGenius.Tests.Web.Components;

/// <summary>
/// The retention tab says nothing about the period, the holds or the disposals until it has read them (a "0 years" field and "No
/// client is on legal hold" were shown meanwhile), then shows what the firm has. Rendered in bUnit over the app's real services.
/// </summary>
public sealed class RetentionPanelTests : MudBunitContext
{
    [Fact]
    public async Task Shows_a_loading_bar_until_the_settings_and_lists_are_read_then_the_firms_period()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        RenderOver(app, typeof(RetentionService), typeof(FirmSettingsService), typeof(AccessReportService));

        var panel = Render<RetentionPanel>();

        // The first render comes before the reads.
        Assert.NotNull(panel.Find("[data-testid='retention-loading']"));
        Assert.Empty(panel.FindAll("[data-testid='holds-empty']"));
        Assert.Empty(panel.FindAll("[data-testid='retention-years']"));

        panel.WaitForAssertion(() =>
        {
            Assert.Empty(panel.FindAll("[data-testid='retention-loading']"));
            Assert.Equal(FirmSettings.DefaultRetentionYears.ToString(System.Globalization.CultureInfo.InvariantCulture),
                panel.Find("[data-testid='retention-years'] input, input[data-testid='retention-years']").GetAttribute("value"));
            Assert.NotNull(panel.Find("[data-testid='holds-empty']"));
        }, TimeSpan.FromSeconds(10));
        await DisposeComponentsAsync();
    }
}
