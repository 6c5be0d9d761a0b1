using TaxGenius.Core.Documents;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Documents;

/// <summary>The kind of a file is decided by its bytes; what only pretends is refused with the reason.</summary>
public sealed class DocumentContentInspectorTests
{
    public static TheoryData<string, byte[], DocumentFileKind> Accepted => new()
    {
        { "pdf", SampleFiles.Pdf(), DocumentFileKind.Pdf },
        { "jpeg", SampleFiles.Jpeg(), DocumentFileKind.Jpeg },
        { "png", SampleFiles.Png(), DocumentFileKind.Png },
        { "heic", SampleFiles.Heic(), DocumentFileKind.Heic },
        { "tiff little-endian", SampleFiles.Tiff(), DocumentFileKind.Tiff },
        { "tiff big-endian", SampleFiles.Tiff(bigEndian: true), DocumentFileKind.Tiff },
    };

    public static TheoryData<string, byte[], string> Refused => new()
    {
        { "empty", [], "empty" },
        { "windows program", SampleFiles.WindowsExecutable(), "Windows program" },
        { "linux program", [0x7F, .. "ELF"u8, 2, 1, 1, .. new byte[100]], "Linux program" },
        { "script", "#!/bin/sh\nrm -rf /\n"u8.ToArray(), "script" },
        { "zip", [.. "PK\x03\x04"u8, .. new byte[100]], "archive" },
        { "html", "<!DOCTYPE html><html><script>alert(1)</script></html>"u8.ToArray(), "recognize" },
        { "plain text", "Wages 84,000"u8.ToArray(), "recognize" },
        { "jpeg with a pdf inside", SampleFiles.JpegPdfPolyglot(), "polyglot" },
        { "png with script", [.. SampleFiles.Png()[..33], .. "<script>alert(1)</script>"u8, .. SampleFiles.Png()[33..]], "script code" },
        { "pdf with a zip appended", SampleFiles.PdfZipPolyglot(), "archive hidden" },
        { "truncated pdf", SampleFiles.Pdf()[..^20], "incomplete" },
        { "png with data after IEND", [.. SampleFiles.Png(), .. "extra"u8], "incomplete" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_kinds_are_recognized_by_content(string name, byte[] content, DocumentFileKind expected)
    {
        Assert.Equal(expected, Inspect(content));
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Pretenders_are_refused_with_the_reason(string name, byte[] content, string reason)
    {
        var error = Assert.Throws<DocumentRejectedException>(() => Inspect(content));
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(name);
    }

    [Fact]
    public void The_check_sees_the_whole_file_however_it_is_chunked()
    {
        // The appended archive straddles two chunks.
        var content = SampleFiles.PdfZipPolyglot();
        var inspector = new DocumentContentInspector();
        var split = content.Length - 30;
        inspector.Inspect(content.AsSpan(0, split), 0, isLast: false);
        inspector.Inspect(content.AsSpan(split), split, isLast: true);
        Assert.Throws<DocumentRejectedException>(() => inspector.Complete(content.Length));
    }

    [Theory]
    [InlineData("w2.pdf", DocumentFileKind.Pdf, true)]
    [InlineData("W2 scan", DocumentFileKind.Jpeg, true)]
    [InlineData("W-2 (Acme Inc.) 2025", DocumentFileKind.Pdf, true)]
    [InlineData("IMG_0001.HEIC", DocumentFileKind.Heic, true)]
    [InlineData("photo.jpeg", DocumentFileKind.Jpeg, true)]
    [InlineData("w2.pdf", DocumentFileKind.Jpeg, false)]
    [InlineData("invoice.exe", DocumentFileKind.Pdf, false)]
    [InlineData("return.docx", DocumentFileKind.Pdf, false)]
    public void A_name_must_not_claim_another_kind(string name, DocumentFileKind kind, bool accepted) =>
        Assert.Equal(accepted, DocumentFileName.CheckExtension(name, kind) is null);

    [Theory]
    [InlineData("w2.pdf", "w2.pdf")]
    [InlineData("  Résumé 2025.pdf ", "Résumé 2025.pdf")]
    [InlineData("what?.pdf", "what_.pdf")]
    [InlineData("a:b|c.pdf", "a_b_c.pdf")]
    public void Names_are_cleaned(string raw, string expected)
    {
        var (name, error) = DocumentFileName.Clean(raw);
        Assert.Null(error);
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("../../etc/passwd.pdf", "path")]
    [InlineData("..\\..\\boot.ini.pdf", "path")]
    [InlineData("/etc/shadow.pdf", "path")]
    [InlineData("invoice\u202Egpj.exe", "direction-changing")]
    [InlineData("w2\u200B.pdf", "invisible")]
    [InlineData("w2\u0000.pdf", "invisible")]
    [InlineData("", "no name")]
    [InlineData("   ", "no name")]
    public void Hostile_names_are_refused_with_the_reason(string raw, string reason)
    {
        var (name, error) = DocumentFileName.Clean(raw);
        Assert.Null(name);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_300_character_name_is_refused_and_the_message_says_how_long_it_may_be()
    {
        var (name, error) = DocumentFileName.Clean(new string('a', 296) + ".pdf");
        Assert.Null(name);
        Assert.Contains("300 characters", error, StringComparison.Ordinal);
        Assert.Contains("255", error, StringComparison.Ordinal);
    }

    private static DocumentFileKind Inspect(byte[] content)
    {
        var inspector = new DocumentContentInspector();
        inspector.Inspect(content, 0, isLast: true);
        inspector.Complete(content.Length);
        return inspector.Kind!.Value;
    }
}
