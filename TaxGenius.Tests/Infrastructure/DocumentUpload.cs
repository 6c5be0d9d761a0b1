using System.Globalization;
using System.Net.Http.Headers;
using TaxGenius.Core.Documents;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>POST /api/documents as the upload page's script sends it: the file as the raw body, its details in headers.</summary>
public static class DocumentUpload
{
    public static HttpRequestMessage Request(HttpContent content, string name, string type = "W2", int? year = null, Guid? replaces = null,
        string? requestItem = null)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = content };
        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        request.Headers.Add("X-Document-Type", type);
        request.Headers.Add("X-Tax-Year", (year ?? TaxYears.Current(TimeProvider.System)).ToString(CultureInfo.InvariantCulture));
        if (replaces is { } id)
        {
            request.Headers.Add("X-Replaces", id.ToString());
        }

        if (requestItem is not null)
        {
            request.Headers.Add("X-Request-Item", requestItem);
        }

        return request;
    }
}
