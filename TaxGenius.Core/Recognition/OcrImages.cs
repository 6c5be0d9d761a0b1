using ImageMagick;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// Turns what a client uploads into pages Tesseract reads well, with ImageMagick (Magick.NET): any image it decodes (JPEG, PNG, each
/// page of a TIFF, an iPhone's HEIC) and the page images of a scanned PDF. Each page is turned upright by its EXIF orientation, made
/// grey and, when small, enlarged towards 300 dpi across a Letter page; it is written as a PNG only its owner can read, into the
/// caller's private folder.
/// </summary>
public static class OcrImages
{
    /// <summary>Pages read from one file, as with a PDF's text layer.</summary>
    public const int MaxPages = PdfTextReader.MaxPages;

    /// <summary>Pixels across the page Tesseract reads best: about 300 dpi over 8.5 inches.</summary>
    private const double TargetWidth = 2550;

    /// <summary>Whether this build of ImageMagick decodes HEIC (the native library ships libheif on every platform it supports).</summary>
    public static bool ReadsHeic => MagickFormatInfo.Create(MagickFormat.Heic)?.SupportsReading == true;

    /// <summary>Prepares each page of the image file at <paramref name="source"/>; returns the prepared pages' paths in order.</summary>
    /// <exception cref="UnreadableImageException">ImageMagick cannot decode the file (it is damaged or not what its header says).</exception>
    public static IReadOnlyList<string> PreparePages(string source, string folder, CancellationToken cancellationToken)
    {
        MagickLimits.Apply();
        using var pages = new MagickImageCollection();
        try
        {
            pages.Read(source, new MagickReadSettings { FrameIndex = 0, FrameCount = MaxPages });
        }
        catch (MagickException e)
        {
            // Damaged, not the picture its header says, or larger than the limits above: another attempt would read the same bytes.
            throw new UnreadableImageException(e);
        }

        return Write(pages, folder, cancellationToken);
    }

    /// <summary>Prepares page images held in memory (a scanned PDF's, one per page).</summary>
    /// <exception cref="UnreadableImageException">None of the images could be decoded.</exception>
    public static IReadOnlyList<string> PreparePages(IEnumerable<byte[]> images, string folder, CancellationToken cancellationToken)
    {
        MagickLimits.Apply();
        using var pages = new MagickImageCollection();
        foreach (var image in images.Take(MaxPages))
        {
            try
            {
                pages.Add(new MagickImage(image));
            }
            catch (MagickException)
            {
                // An image PdfPig could not hand over whole (an unusual filter): the other pages are still read.
            }
        }

        return pages.Count == 0 ? throw new UnreadableImageException(null) : Write(pages, folder, cancellationToken);
    }

    private static List<string> Write(MagickImageCollection pages, string folder, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        foreach (var page in pages.Take(MaxPages))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Prepare(page);
            var path = Path.Combine(folder, $"page-{paths.Count + 1}.png");
            using (var file = new FileStream(path, PrivateFile()))
            {
                page.Write(file, MagickFormat.Png);
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// A prepared page for a second look when Tesseract read it mostly as guesses (a photo out of focus): halved, then sharpened with
    /// an unsharp mask at about the blur a phone's focus leaves at that size, written beside the page (<c>page-1-sharpened.png</c>)
    /// for its owner only. On the benchmark's blurred photos its reading brings back the form's title and year, though not reliably
    /// its amounts (see <see cref="DocumentText.SharpenedReading"/>); the same mask at full size
    /// read no more and took longer (docs/performance.md).
    /// </summary>
    public static string Sharpen(string page, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        MagickLimits.Apply();
        using var image = new MagickImage(page);
        image.Resize(image.Width / 2, image.Height / 2);

        // Sigma 2 px on a 1520-pixel-wide page (a 12 MP photo halved), in proportion on others; gain 2, every pixel.
        image.UnsharpMask(0, image.Width / SharpenedWidthPerSigma, 2, 0);
        var path = Path.Combine(Path.GetDirectoryName(page)!, Path.GetFileNameWithoutExtension(page) + "-sharpened.png");
        using (var file = new FileStream(path, PrivateFile()))
        {
            image.Write(file, MagickFormat.Png);
        }

        return path;
    }

    /// <summary>The halved page's width per pixel of the unsharp mask's sigma (1520 / 2).</summary>
    private const double SharpenedWidthPerSigma = 760;

    /// <summary>Options for a new file only its owner can read or write (a decrypted upload, a prepared page).</summary>
    internal static FileStreamOptions PrivateFile()
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return create;
    }

    /// <summary>
    /// Upright (by the EXIF orientation a phone writes), grey, and a small image enlarged towards 300 dpi. Flattening the paper,
    /// deskewing and removing the forms' ruled lines were measured on the benchmark's photos too and did not help (docs/performance.md).
    /// </summary>
    internal static void Prepare(IMagickImage<byte> image)
    {
        image.AutoOrient();
        image.Grayscale();
        var factor = TargetWidth / Math.Max(1, image.Width);
        if (factor > 1.2)
        {
            factor = Math.Min(factor, 3);
            image.Resize((uint)(image.Width * factor), (uint)(image.Height * factor));
        }
    }
}

/// <summary>An image ImageMagick could not decode: it is damaged, or not what its header says. Reading it again would not help.</summary>
public sealed class UnreadableImageException(Exception? inner) : Exception("The image could not be decoded.", inner);

/// <summary>The limits every use of ImageMagick in the app decodes under, set once: no giant pictures, no pixels on disk.</summary>
internal static class MagickLimits
{
    static MagickLimits()
    {
        // A small file may claim an enormous picture (a decompression bomb): ImageMagick refuses a side longer than a 200 MP phone
        // photo's (16,320 pixels) before decoding rather than fill the memory or the disk.
        ResourceLimits.Width = 17_000;
        ResourceLimits.Height = 17_000;

        // Pixels are decrypted document content: ImageMagick never spills them to a disk cache in its temporary folder. A picture that
        // does not fit in memory is refused (MagickCacheErrorException, an unreadable image) instead.
        ResourceLimits.Disk = 0;
    }

    /// <summary>Runs the static constructor (once) before the first image is decoded.</summary>
    public static void Apply()
    {
    }
}
