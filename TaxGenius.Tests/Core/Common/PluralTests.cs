using TaxGenius.Core.Common;

namespace TaxGenius.Tests.Core.Common;

public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "return", null, "0 returns")]
    [InlineData(1, "return", null, "1 return")]
    [InlineData(2, "required item", null, "2 required items")]
    [InlineData(1204, "document", null, "1,204 documents")]
    [InlineData(3, "child", "children", "3 children")]
    [InlineData(1, "child", "children", "1 child")]
    public void A_count_reads_as_a_person_writes_it(long count, string singular, string? plural, string expected) =>
        Assert.Equal(expected, Plural.Of(count, singular, plural));

    [Theory]
    [InlineData(0.4, "under a second")]
    [InlineData(1, "1 second")]
    [InlineData(45, "45 seconds")]
    [InlineData(89, "1 minute")]
    [InlineData(12 * 60 + 20, "12 minutes")]
    [InlineData(4 * 3600 + 360, "4.1 hours")]
    [InlineData(86400 * 2.3, "2.3 days")]
    public void A_span_reads_in_the_largest_unit_it_fills(double seconds, string expected) =>
        Assert.Equal(expected, Plural.Span(TimeSpan.FromSeconds(seconds)));
}
