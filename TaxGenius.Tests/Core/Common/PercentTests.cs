using TaxGenius.Core.Common;

namespace TaxGenius.Tests.Core.Common;

public sealed class PercentTests
{
    [Theory]
    [InlineData(0.45, "45%")]
    [InlineData(0.9, "90%")]
    [InlineData(1.0, "100%")]
    [InlineData(0.0, "0%")]
    [InlineData(0.004, "0%")]
    [InlineData(0.896, "90%")]
    public void A_share_is_written_the_US_way_with_no_space_before_the_sign(double fraction, string expected) =>
        Assert.Equal(expected, Percent.Of(fraction));

    [Theory]
    [InlineData(2, 3, "67%")]
    [InlineData(1, 2, "50%")]
    [InlineData(3, 3, "100%")]
    [InlineData(0, 5, "0%")]
    [InlineData(0, 0, "—")]
    public void A_part_of_a_whole_is_a_percentage_or_a_dash_when_there_is_no_whole(int part, int whole, string expected) =>
        Assert.Equal(expected, Percent.Of(part, whole));
}
