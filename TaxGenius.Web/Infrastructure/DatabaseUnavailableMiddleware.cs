using System.Net;
using Microsoft.AspNetCore.Mvc;
using TaxGenius.Core.Data;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// While the database or the document store cannot be reached (after their retries), a request answers 503 with Retry-After instead of 500:
/// the JSON API with a ProblemDetails, pages with a short page that says what happened and reloads itself. Other errors pass on
/// to the usual error handling.
/// </summary>
internal sealed class DatabaseUnavailableMiddleware(RequestDelegate next, ILogger<DatabaseUnavailableMiddleware> logger)
{
    public const int RetryAfterSeconds = 15;

    public const string Title = "The service is briefly unavailable";

    public const string Detail = "We could not reach the database. Nothing was changed; please try again in a moment.";

    public const string StorageDetail = "We could not reach the document storage. Nothing was changed; please try again in a moment.";

    /// <summary>Whether <paramref name="ex"/> is an outage this middleware answers with 503 (the database or the document store).</summary>
    public static bool Answers(Exception ex) => DatabaseRetries.IsUnavailable(ex) || ex is TaxGenius.Core.Storage.StorageUnavailableException;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (Answers(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var storage = ex is TaxGenius.Core.Storage.StorageUnavailableException;
            if (storage)
            {
                logger.StorageUnavailable($"{context.Request.Method} request", ex.Message);
            }
            else
            {
                logger.DatabaseUnavailable($"{context.Request.Method} request", ex.GetType().Name);
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/health"))
            {
                await context.Response.WriteAsJsonAsync(new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = Title,
                    Detail = storage ? StorageDetail : Detail,
                    Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                }, options: null, contentType: "application/problem+json", cancellationToken: context.RequestAborted);
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(Page(context.Request.Path + context.Request.QueryString, storage ? "the document storage" : "the database"),
                context.RequestAborted);
        }
    }

    /// <summary>A self-contained page (no database, no component, no script): light and dark, reloads itself after Retry-After.</summary>
    private static string Page(string path, string what) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <meta http-equiv="refresh" content="{{RetryAfterSeconds}}" />
        <title>Briefly unavailable · TaxGenius</title>
        <style>
          :root { color-scheme: light dark; --bg: #f5f6fa; --card: #ffffff; --text: #1f2937; --muted: #4b5563; --accent: #1e3a8a; }
          @media (prefers-color-scheme: dark) { :root { --bg: #121418; --card: #1e2128; --text: #e5e7eb; --muted: #c2c7d0; --accent: #93c5fd; } }
          body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
                 font: 16px/1.5 Roboto, "Segoe UI", system-ui, sans-serif; }
          main { max-width: 32rem; margin: 1rem; padding: 2rem; background: var(--card); border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.12); }
          h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
          p { color: var(--muted); margin: 0 0 1.25rem; }
          a { display: inline-block; padding: .6rem 1.2rem; border-radius: 8px; background: var(--accent); color: var(--card); text-decoration: none; font-weight: 600; }
        </style>
        </head>
        <body>
        <main>
          <h1>TaxGenius is briefly unavailable</h1>
          <p>We could not reach {{what}}. Nothing you sent has been lost or half-saved. This page tries again by itself in {{RetryAfterSeconds}} seconds.</p>
          <a href="{{WebUtility.HtmlEncode(path)}}">Try again now</a>
        </main>
        </body>
        </html>
        """;
}
