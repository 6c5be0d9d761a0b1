namespace TaxGenius.Tests.Infrastructure;

public static class UriExtensions
{
    /// <summary>The path of a Location header, whether the server sent it absolute or relative.</summary>
    public static string PathOnly(this Uri? location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?', '#')[0];
        return path.StartsWith('/') ? path : "/" + path;
    }
}
