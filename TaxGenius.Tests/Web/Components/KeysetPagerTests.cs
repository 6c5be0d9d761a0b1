using Bunit;
using Microsoft.AspNetCore.Components;
using TaxGenius.Core.Common;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Shared;

namespace TaxGenius.Tests.Web.Components;

public sealed class KeysetPagerTests : MudBunitContext
{
    [Theory]
    [InlineData(0, null, false, "No returns")]
    [InlineData(1, null, false, "1 return")]
    [InlineData(12, null, false, "12 returns")]
    [InlineData(25, null, true, "Page 1 · 25 returns on this page")]
    [InlineData(0, "entries", false, "No entries")]
    [InlineData(1, "entries", false, "1 entry")]
    [InlineData(3, "entries", true, "Page 1 · 3 entries on this page")]
    public void The_caption_counts_the_rows_as_a_person_writes_them(int rows, string? plural, bool more, string caption)
    {
        var noun = plural is null ? "return" : "entry";
        var page = new Page<int>(Enumerable.Range(1, rows).ToList(), HasPrevious: false, HasNext: more, First: null, Last: null);

        var pager = Render<KeysetPager<int>>(p => p
            .Add(x => x.Navigation, new PageNavigation())
            .Add(x => x.Page, page)
            .Add(x => x.Noun, noun)
            .Add(x => x.Nouns, plural)
            .Add(x => x.TestId, "list")
            .Add(x => x.OnMove, EventCallback.Empty));

        Assert.Equal(caption, pager.Find(".mud-typography-caption").TextContent.Trim());
    }
}
