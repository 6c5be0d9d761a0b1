using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Core.Security;

public sealed class SsnValidatorTests
{
    [Theory]
    [InlineData("123-45-6789", "123-45-6789")]
    [InlineData("123456789", "123-45-6789")]
    [InlineData("  078-05-1120 ", "078-05-1120")]
    [InlineData("899-99-9999", "899-99-9999")]
    [InlineData("665-01-0001", "665-01-0001")]
    public void Accepts_and_normalizes(string input, string expected)
    {
        var result = SsnValidator.Validate(input);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(expected, result.Normalized);
    }

    [Theory]
    [InlineData(null, SsnValidator.Required)]
    [InlineData("   ", SsnValidator.Required)]
    [InlineData("123-456-789", SsnValidator.BadFormat)]
    [InlineData("12345678", SsnValidator.BadFormat)]
    [InlineData("1234567890", SsnValidator.BadFormat)]
    [InlineData("123 45 6789", SsnValidator.BadFormat)]
    [InlineData("12a-45-6789", SsnValidator.BadFormat)]
    [InlineData("١٢٣-٤٥-٦٧٨٩", SsnValidator.BadFormat)] // non-ASCII digits
    [InlineData("000-12-3456", SsnValidator.AreaZero)]
    [InlineData("000123456", SsnValidator.AreaZero)]
    [InlineData("666-12-3456", SsnValidator.Area666)]
    [InlineData("900-12-3456", SsnValidator.Area9)]
    [InlineData("999-12-3456", SsnValidator.Area9)]
    [InlineData("123-00-4567", SsnValidator.GroupZero)]
    [InlineData("123-45-0000", SsnValidator.SerialZero)]
    public void Rejects_with_a_message_for_the_reason(string? input, string expected)
    {
        var result = SsnValidator.Validate(input);
        Assert.False(result.IsValid);
        Assert.Null(result.Normalized);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Messages_never_repeat_the_number()
    {
        foreach (var input in new[] { "900-12-3456", "666-12-3456", "123-00-4567", "123-45-0000", "12-345-6789" })
        {
            var error = SsnValidator.Validate(input).Error!;
            Assert.DoesNotContain("3456", error, StringComparison.Ordinal);
            Assert.DoesNotContain("4567", error, StringComparison.Ordinal);
            Assert.DoesNotContain(input, error, StringComparison.Ordinal);
        }
    }
}
