using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TaxGenius.Core.Demo;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>Real files of each accepted kind, and the hostile ones the upload path must refuse.</summary>
public static class SampleFiles
{
    public static byte[] Pdf(string text = "Form W-2 Wage and Tax Statement (test)") => SamplePdf.Create(text);

    /// <summary>A baseline JPEG: SOI, a JFIF APP0 segment, an opaque body, EOI (enough for every format check).</summary>
    public static byte[] Jpeg(int bodyBytes = 2048)
    {
        byte[] app0 = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
        var body = RandomNumberGenerator.GetBytes(bodyBytes);
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(body[i] & 0x7F); // no stray markers
        }

        return [.. app0, 0xFF, 0xDA, .. body, 0xFF, 0xD9];
    }

    /// <summary>A valid 2×2 RGB PNG (signature, IHDR, IDAT, IEND with real CRCs).</summary>
    public static byte[] Png() => Png(2);

    /// <summary>
    /// A PNG whose header (with a correct CRC) says <paramref name="size"/> × <paramref name="size"/> pixels, with the 2×2 picture's data:
    /// a decompression bomb's shape when the size is huge.
    /// </summary>
    public static byte[] Png(int size)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var side = BitConverter.GetBytes(size);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(side);
        }

        WriteChunk(output, "IHDR", [.. side, .. side, 8, 2, 0, 0, 0]);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
        }

        WriteChunk(output, "IDAT", raw.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The start of an iPhone photo: an ISO-BMFF ftyp box with the heic brand, then opaque data.</summary>
    public static byte[] Heic() =>
        [0x00, 0x00, 0x00, 0x18, .. "ftypheic"u8, 0x00, 0x00, 0x00, 0x00, .. "mif1heic"u8, .. RandomNumberGenerator.GetBytes(4096)];

    /// <summary>
    /// A real HEIC photo of a 1099-INT for 2024 (payer Keystone Federal Credit Union, box 1 16,480.43, box 4 522.42; see the fixture's
    /// note in the project file).
    /// </summary>
    public static byte[] HeicForm()
    {
        using var resource = typeof(SampleFiles).Assembly.GetManifestResourceStream("TaxGenius.Tests.Fixtures.form-1099int-2024.heic")
            ?? throw new InvalidOperationException("The HEIC fixture is not embedded.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// A phone photo of <paramref name="form"/> (about 290 dpi, JPEG), out of focus when <paramref name="blurred"/>: a Gaussian blur of
    /// 5 pixels over greyed paper, the way a shaking hand in dim light takes it. Tesseract reads the sharp one at a mean confidence
    /// above 90 and the blurred one below 50.
    /// </summary>
    public static byte[] FormPhoto(SyntheticForm form, bool blurred)
    {
        using var image = new ImageMagick.MagickImage(form.Sheet.ToImage(pixelsPerPoint: 4));
        if (blurred)
        {
            image.GaussianBlur(0, 5);
        }

        image.Evaluate(ImageMagick.Channels.All, ImageMagick.EvaluateOperator.Multiply, 0.6);
        image.Evaluate(ImageMagick.Channels.All, ImageMagick.EvaluateOperator.Add, 80);
        image.Quality = 72;
        return image.ToByteArray(ImageMagick.MagickFormat.Jpeg);
    }

    /// <summary>A scan saved as PDF: each image fills a Letter page, and there is no text layer.</summary>
    public static byte[] ScannedPdf(params byte[][] pngPages)
    {
        var builder = new PdfDocumentBuilder();
        foreach (var png in pngPages)
        {
            builder.AddPage(PageSize.Letter).AddPng(png, new PdfRectangle(0, 0, 612, 792));
        }

        return builder.Build();
    }

    public static byte[] Tiff(bool bigEndian = false) =>
        [.. bigEndian ? "MM\0*"u8 : "II*\0"u8, 0x08, 0x00, 0x00, 0x00, .. RandomNumberGenerator.GetBytes(2048)];

    /// <summary>A Windows program: "MZ", a DOS stub, the PE signature.</summary>
    public static byte[] WindowsExecutable() =>
        [.. "MZ"u8, .. new byte[58], 0x80, 0x00, 0x00, 0x00, .. Encoding.ASCII.GetBytes("This program cannot be run in DOS mode."), .. new byte[25], .. "PE\0\0"u8, .. RandomNumberGenerator.GetBytes(1024)];

    /// <summary>A JPEG whose first kilobyte also holds a PDF header: a viewer that trusts "%PDF-" anywhere would open it as a PDF.</summary>
    public static byte[] JpegPdfPolyglot()
    {
        var jpeg = Jpeg();
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\n");
        pdf.CopyTo(jpeg, 40);
        return jpeg;
    }

    /// <summary>A PDF with a ZIP archive appended (the GIFAR/PDF-ZIP trick).</summary>
    public static byte[] PdfZipPolyglot()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("payload.exe").Open();
            entry.Write(WindowsExecutable());
        }

        return [.. Pdf(), .. zip.ToArray()];
    }

    internal static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        output.Write(length);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
