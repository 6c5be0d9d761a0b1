namespace TaxGenius.Bench;

/// <summary>
/// Keeps every cookie the server sets and sends it back, whatever its attributes: outside Development the app marks its
/// cookies Secure (in front of it sits TLS), and the benchmark talks plain HTTP on loopback, where a CookieContainer would
/// withhold them.
/// </summary>
internal sealed class PlainCookies(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly Dictionary<string, string> cookies = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (cookies)
        {
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            lock (cookies)
            {
                foreach (var pair in set.Select(c => c.Split(';', 2)[0].Split('=', 2)).Where(p => p.Length == 2))
                {
                    cookies[pair[0].Trim()] = pair[1];
                }
            }
        }

        return response;
    }
}
