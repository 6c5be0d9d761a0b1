using QRCoder;

namespace TaxGenius.Core.Common;

/// <summary>QR codes drawn by QRCoder (referral links, authenticator enrollment), for pages (inline) and for printing (download).</summary>
public static class QrCode
{
    /// <summary>An SVG document (scalable, so it prints sharp at any size).</summary>
    public static string Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(6);
    }

    /// <summary>The SVG as a data: URI for an &lt;img&gt; or a download link.</summary>
    public static string SvgDataUri(string text) =>
        "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Svg(text)));

    /// <summary>A PNG (<paramref name="pixelsPerModule"/> pixels per module), for places that want a bitmap.</summary>
    public static byte[] Png(string text, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }
}
