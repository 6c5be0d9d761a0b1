using ImageMagick;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Core.Documents;

/// <summary>
/// What a browser cannot show, made viewable for the preparer's viewer: an iPhone's HEIC or a (multi-page) TIFF becomes one JPEG in
/// memory (pages one under the other, upright by their EXIF orientation, at most <see cref="MaxSide"/> pixels a side per page, metadata
/// such as the photo's location removed). Nothing is written to disk; the original stays what a download gets.
/// </summary>
public static class ImagePreview
{
    /// <summary>Files larger than this are offered as downloads only: converting them would hold too much in memory at once.</summary>
    public const long MaxBytes = 40L * 1024 * 1024;

    /// <summary>A page's longest side in the preview: sharp on a large screen, a fraction of a 12 MP photo's weight.</summary>
    public const int MaxSide = 2400;

    /// <summary>Whether the viewer needs this file converted (HEIC, TIFF) rather than shown as it is.</summary>
    private static bool Converts(DocumentFileKind kind) => kind is DocumentFileKind.Heic or DocumentFileKind.Tiff;

    /// <summary>Whether the viewer gets this file converted: a HEIC or TIFF no larger than <see cref="MaxBytes"/>.</summary>
    public static bool ShowsConverted(DocumentFileKind kind, long size) => Converts(kind) && size <= MaxBytes;

    /// <summary>Whether the viewer can show a file of this kind and size (PDF, JPEG and PNG as they are; HEIC and TIFF converted).</summary>
    public static bool CanShow(DocumentFileKind kind, long size) =>
        kind is DocumentFileKind.Pdf or DocumentFileKind.Jpeg or DocumentFileKind.Png || ShowsConverted(kind, size);

    /// <summary>The JPEG of <paramref name="source"/>'s pages, or null when ImageMagick cannot decode it (damaged, or too large).</summary>
    public static async Task<byte[]?> ToJpegAsync(Stream source, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return await Task.Run(() => Convert(buffer), cancellationToken);
    }

    private static byte[]? Convert(MemoryStream buffer)
    {
        MagickLimits.Apply();
        using var pages = new MagickImageCollection();
        try
        {
            pages.Read(buffer, new MagickReadSettings { FrameIndex = 0, FrameCount = OcrImages.MaxPages });
            foreach (var page in pages)
            {
                page.AutoOrient();
                if (page.Width > MaxSide || page.Height > MaxSide)
                {
                    page.Resize(new MagickGeometry(MaxSide, MaxSide));
                }
            }

            using var sheet = pages.Count == 1 ? pages[0].Clone() : pages.AppendVertically();
            sheet.Strip();
            sheet.Quality = 85;
            return sheet.ToByteArray(MagickFormat.Jpeg);
        }
        catch (MagickException)
        {
            return null;
        }
    }
}
