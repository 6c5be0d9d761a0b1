using Bunit;
using MudBlazor;
using TaxGenius.Core.Documents;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Shared;

namespace TaxGenius.Tests.Web.Components;

public sealed class StatusCountsTests : MudBunitContext
{
    [Fact]
    public void Shows_every_status_with_its_count_in_the_seed_spelling()
    {
        var counts = new Dictionary<DocumentStatus, int>
        {
            [DocumentStatus.Pending] = 3,
            [DocumentStatus.Processing] = 1,
            [DocumentStatus.Completed] = 12,
            [DocumentStatus.Rejected] = 0,
        };

        var card = Render<StatusCounts>(p => p.Add(c => c.Title, "My documents").Add(c => c.Counts, counts));

        Assert.Contains("My documents", card.Markup, StringComparison.Ordinal);
        foreach (var (status, count) in counts)
        {
            var cell = card.Find($"[data-testid='count-{status.ToString().ToLowerInvariant()}']");
            Assert.Contains(status.ToString().ToUpperInvariant(), cell.TextContent, StringComparison.Ordinal);
            Assert.Contains(count.ToString(System.Globalization.CultureInfo.InvariantCulture), cell.TextContent, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(DocumentStatus.Pending, Color.Default)]
    [InlineData(DocumentStatus.Processing, Color.Info)]
    [InlineData(DocumentStatus.Completed, Color.Success)]
    [InlineData(DocumentStatus.Rejected, Color.Error)]
    public void Each_status_has_its_own_colour(DocumentStatus status, Color color) =>
        Assert.Equal(color, StatusCounts.StatusColor(status));
}
