using TaxGenius.Core.Common;

namespace TaxGenius.Tests.Core.Common;

public sealed class ShortIdTests
{
    [Fact]
    public void Ids_made_in_the_same_instant_still_look_different()
    {
        var at = new DateTimeOffset(2026, 12, 6, 1, 58, 30, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7(at)).ToList();
        Assert.Single(ids.Select(id => id.ToString()[..8]).Distinct()); // the old way: one prefix for all fifty
        Assert.Equal(50, ids.Select(ShortId.Of).Distinct().Count());
        Assert.Equal("…5c45b543", ShortId.Of(Guid.Parse("01a24912-ed2d-79ce-b740-6aae5c45b543")));
    }
}
