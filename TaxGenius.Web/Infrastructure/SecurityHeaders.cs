using Microsoft.AspNetCore.CookiePolicy;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The browser-side baseline: a Content Security Policy, no MIME sniffing, no referrer leaving the site, no framing by
/// other sites (nor loading of its answers into theirs), and every cookie HttpOnly, SameSite=Lax and (outside Development)
/// Secure. HSTS is UseHsts in Production.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from the app itself (Blazor and MudBlazor need no inline script or eval); inline styles because MudBlazor
    /// sets style attributes; images may be data: URIs (QR codes) or blobs; the circuit's WebSocket goes to the same host;
    /// only the app may frame its pages (the document viewer frames the app's own document endpoint).
    /// </summary>
    public static string PagePolicy(HttpRequest request)
    {
        var host = request.Host.Value;
        // A page that needs one inline script (the API reference) puts a per-request nonce in HttpContext.Items.
        var nonce = request.HttpContext.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] is string value ? $" 'nonce-{value}'" : "";
        return "default-src 'self'; " +
            $"script-src 'self'{nonce}; " +
            "style-src 'self' 'unsafe-inline'; " +
            "img-src 'self' data: blob:; " +
            "font-src 'self' data:; " +
            $"connect-src 'self' ws://{host} wss://{host}; " +
            "frame-src 'self'; " +
            "object-src 'none'; " +
            "base-uri 'self'; " +
            "form-action 'self'; " +
            "frame-ancestors 'self'";
    }

    public static IServiceCollection AddTaxGeniusCookiePolicy(this IServiceCollection services, IHostEnvironment environment) =>
        services.Configure<CookiePolicyOptions>(options =>
        {
            options.HttpOnly = HttpOnlyPolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            // `dotnet run` serves plain http on localhost; everywhere else cookies only travel over TLS.
            options.Secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });

    /// <summary>Adds the headers to every response that has not set its own policy (document downloads set a stricter one).</summary>
    public static IApplicationBuilder UseTaxGeniusSecurityHeaders(this IApplicationBuilder app)
    {
        app.UseCookiePolicy();
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.XFrameOptions = "SAMEORIGIN";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // No other site may embed what the app serves (a document, an image, a script) with a tag of its own.
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = PagePolicy(context.Request);
                }

                // Pages are painted in the browser's scheme from the first byte (ThemeChoice): Chromium-based browsers are asked for it as
                // a client hint, and a first page requested without it is requested again with it (Critical-CH; once per browser).
                // Never on a form's answer: a posted form must not be sent twice for a colour.
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers["Accept-CH"] = ThemeChoice.SchemeHintHeader;
                    if (HttpMethods.IsGet(context.Request.Method))
                    {
                        headers["Critical-CH"] = ThemeChoice.SchemeHintHeader;
                    }

                    headers.Append("Vary", ThemeChoice.SchemeHintHeader);
                }

                // API answers carry names, e-mails and the like: no browser or proxy may keep a copy.
                if (context.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey("Cache-Control"))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
