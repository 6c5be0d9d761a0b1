using QRCoder;

namespace TaxGenius.Core.Referrals;

/// <summary>The QR code of a referral link, drawn by QRCoder, for pages (inline) and for printing (download).</summary>
public static class ReferralQrCode
{
    /// <summary>An SVG document (scalable, so it prints sharp at any size).</summary>
    public static string Svg(string link)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(link, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(6);
    }

    /// <summary>The SVG as a data: URI for an &lt;img&gt; or a download link.</summary>
    public static string SvgDataUri(string link) =>
        "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Svg(link)));

    /// <summary>A PNG (<paramref name="pixelsPerModule"/> pixels per module), for places that want a bitmap.</summary>
    public static byte[] Png(string link, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(link, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }
}
