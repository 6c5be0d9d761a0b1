using Microsoft.Extensions.Options;

namespace TaxGenius.Core;

/// <summary>
/// Absolute links for e-mails. <c>TaxGenius:PublicBaseUrl</c> when configured (production should set it);
/// otherwise the address of the first request the app served.
/// </summary>
public sealed class PublicUrls(IOptions<TaxGeniusOptions> options)
{
    private string? learned;

    public string BaseUrl =>
        (options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : learned ?? "http://localhost:5097").TrimEnd('/');

    public void Learn(string scheme, string host)
    {
        if (learned is null && !string.IsNullOrEmpty(host))
        {
            learned = $"{scheme}://{host}";
        }
    }

    public string Absolute(string path) => BaseUrl + "/" + path.TrimStart('/');
}
