using TaxGenius.Core.Audit;

namespace TaxGenius.Tests.Core.Audit;

public sealed class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("a=b", "a=b")]
    public void Fields_are_quoted_per_RFC_4180_and_formulas_are_neutralized(string? field, string expected) =>
        Assert.Equal(expected, CsvWriter.Escape(field));

    [Fact]
    public async Task Records_end_with_CRLF()
    {
        var text = new StringWriter();
        var csv = new CsvWriter(text);
        await csv.WriteRecordAsync(["a", "b,c", null]);
        await csv.WriteRecordAsync(["=1"]);
        Assert.Equal("a,\"b,c\",\r\n'=1\r\n", text.ToString());
    }

    [Fact]
    public async Task A_download_is_UTF_8_without_a_byte_order_mark_and_leaves_the_stream_open()
    {
        using var destination = new MemoryStream();
        await using (var writer = CsvWriter.Utf8(destination))
        {
            await new CsvWriter(writer).WriteRecordAsync(["Zoë", "-5"]);
        }

        // As the referral and access-report downloads always were: the first byte is the text's own, and "-5" is neutralized too.
        Assert.Equal("Zoë,'-5\r\n", System.Text.Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Equal((byte)'Z', destination.ToArray()[0]);
        Assert.True(destination.CanWrite);
    }
}
