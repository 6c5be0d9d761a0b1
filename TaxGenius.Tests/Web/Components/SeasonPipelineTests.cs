using Bunit;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Shared;

namespace TaxGenius.Tests.Web.Components;

public sealed class SeasonPipelineTests : MudBunitContext
{
    [Fact]
    public void Every_stage_is_named_in_full_with_its_count_and_a_bar_in_proportion_to_the_largest()
    {
        var summary = new SeasonSummary(2025,
            new Dictionary<EngagementStage, int> { [EngagementStage.DocumentsRequested] = 8, [EngagementStage.InReview] = 2, [EngagementStage.Filed] = 4 },
            OverdueReturns: 1, LateItems: 0, Turnaround: null, TurnaroundSample: 0, Workload: []);

        var card = Render<SeasonPipeline>(p => p.Add(x => x.Summary, summary));

        var rows = card.FindAll("[data-testid='season-stages'] li");
        Assert.Equal(EngagementStages.Board.Count, rows.Count);
        var requested = card.Find($"li[data-key='{EngagementStage.DocumentsRequested}']");
        Assert.Equal("Documents requested", requested.QuerySelector(".tg-hbar-label")!.TextContent);
        Assert.Equal("8", requested.QuerySelector(".tg-hbar-value")!.TextContent);
        Assert.Equal("width:100%", requested.QuerySelector(".tg-hbar-fill")!.GetAttribute("style"));
        Assert.Equal("width:25%", card.Find($"li[data-key='{EngagementStage.InReview}'] .tg-hbar-fill").GetAttribute("style"));
        Assert.Equal("width:0%", card.Find($"li[data-key='{EngagementStage.NotStarted}'] .tg-hbar-fill").GetAttribute("style"));
        Assert.Contains("14 returns for tax year 2025", card.Markup, StringComparison.Ordinal);
    }
}
