using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using TaxGenius.Core.RateLimiting;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Counts /api requests (per user, or per IP when anonymous) and the account form posts (per IP) and answers 429 over the limit.
/// Everything else (pages, Blazor's own traffic, static files) passes untouched.
/// </summary>
internal sealed class RateLimitingMiddleware(RequestDelegate next, IRateLimitCounter counter, IOptionsMonitor<RateLimitOptions> options)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || Choose(context.Request, settings) is not { } choice)
        {
            await next(context);
            return;
        }

        var subject = choice.ByUser && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
            ? "user:" + userId
            : "ip:" + ClientIp(context);
        var decision = await counter.HitAsync(choice.Name, subject, choice.Policy.Limit, choice.Policy.Window, context.RequestAborted);

        var limit = decision.Limit.ToString(CultureInfo.InvariantCulture);
        var remaining = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed)
        {
            // OnStarting: the headers survive whatever later middleware does to the response (an exception handler clears it).
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[LimitHeader] = limit;
                context.Response.Headers[RemainingHeader] = remaining;
                return Task.CompletedTask;
            });
            await next(context);
            return;
        }

        var retryAfter = (int)Math.Max(1, Math.Ceiling(decision.RetryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers[LimitHeader] = limit;
        context.Response.Headers[RemainingHeader] = "0";
        context.Response.Headers.CacheControl = "no-store";
        if (choice.IsApi)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests",
                detail: $"The limit is {decision.Limit} requests per {Describe(choice.Policy.WindowSeconds)}. Retry after {retryAfter} seconds.")
                .ExecuteAsync(context);
        }
        else
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(TooManyAttemptsPage(context.Request, retryAfter), context.RequestAborted);
        }
    }

    private sealed record Choice(string Name, RateLimitPolicyOptions Policy, bool ByUser, bool IsApi);

    private static Choice? Choose(HttpRequest request, RateLimitOptions settings)
    {
        if (request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return new Choice("api", settings.Api, ByUser: true, IsApi: true);
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return null;
        }

        var path = request.Path;
        if (Is(path, "/Account/Login") || Is(path, "/Account/LoginWithEmailCode"))
        {
            return new Choice("signin", settings.SignIn, ByUser: false, IsApi: false);
        }

        // The second step comes only after a right password (its codes have their own tries and lock the account): a budget of its
        // own, as large, so that an office of clients behind one address is not refused for signing in in two steps.
        if (Is(path, "/Account/LoginWith2fa") || Is(path, "/Account/LoginWithRecoveryCode"))
        {
            return new Choice("second-factor", settings.SignIn, ByUser: false, IsApi: false);
        }

        // Every sign-in page asks for a passkey challenge when it loads (the browser's autofill): a budget of its own, as large.
        if (Is(path, "/Account/PasskeyRequestOptions"))
        {
            return new Choice("passkey-challenge", settings.SignIn, ByUser: false, IsApi: false);
        }

        if (Is(path, "/Account/Register"))
        {
            return new Choice("register", settings.Register, ByUser: false, IsApi: false);
        }

        if (Is(path, "/Account/ForgotPassword") || Is(path, "/Account/ResetPassword"))
        {
            return new Choice("password-reset", settings.PasswordReset, ByUser: false, IsApi: false);
        }

        if (Is(path, "/Account/ResendEmailConfirmation"))
        {
            return new Choice("resend-confirmation", settings.ResendConfirmation, ByUser: false, IsApi: false);
        }

        return null;
    }

    private static bool Is(PathString path, string expected) =>
        string.Equals(path.Value?.TrimEnd('/'), expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection's address (IPv4 written as IPv4); "unknown" when there is none (the test server).</summary>
    private static string ClientIp(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip
            ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
            : "unknown";

    private static string Describe(int seconds) => seconds switch
    {
        1 => "second",
        < 60 => $"{seconds} seconds",
        60 => "minute",
        _ when seconds % 3600 == 0 => seconds == 3600 ? "hour" : $"{seconds / 3600} hours",
        _ when seconds % 60 == 0 => $"{seconds / 60} minutes",
        _ => $"{seconds} seconds",
    };

    private static string TooManyAttemptsPage(HttpRequest request, int retryAfterSeconds)
    {
        var minutes = (int)Math.Ceiling(retryAfterSeconds / 60.0);
        var wait = minutes == 1 ? "1 minute" : $"{minutes} minutes";
        var back = WebUtility.HtmlEncode(request.PathBase + request.Path + request.QueryString);
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Too many attempts - TaxGenius</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; background: #f5f5f5; color: #222; }
            main { background: #fff; padding: 2rem; border-radius: 8px; max-width: 32rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
            h1 { font-size: 1.4rem; margin-top: 0; }
            </style>
            </head>
            <body>
            <main>
            <h1>Too many attempts</h1>
            <p>Too many attempts from your network. Please wait {{wait}} and try again.</p>
            <p><a href="{{back}}">Go back</a></p>
            </main>
            </body>
            </html>
            """;
    }
}
