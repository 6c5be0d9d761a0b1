using Microsoft.AspNetCore.Mvc;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Under /api, every error answers with a ProblemDetails (RFC 9457), also those no endpoint wrote a body for: an unknown address
/// (404), a method the address does not take (405), the sign-in challenge (401), a refusal (403) and an endpoint's bare NotFound.
/// Endpoints that wrote their own ProblemDetails keep it (a client's 404 for another client's document reads exactly like one for a
/// document that never existed). Pages keep the HTML not-found page (status code pages are off under /api).
/// An unexpected exception is a 500 with a reference and nothing of the exception or the request, in every environment (Development's
/// exception page would echo the stack and the request's cookies; Production's would re-execute the HTML error page); the exception
/// is logged under that reference. A database or store that cannot be reached passes on to
/// <see cref="DatabaseUnavailableMiddleware"/>, which answers 503.
/// </summary>
internal sealed class ApiProblemDetailsMiddleware(RequestDelegate next, IProblemDetailsService problems, ILogger<ApiProblemDetailsMiddleware> logger)
{
    public const string NotFoundDetail = "Nothing was found at this address.";

    public const string UnauthorizedDetail = "Sign in first, or send an API token in the Authorization header: \"Bearer <token>\".";

    public const string ForbiddenDetail = "Your account may not use this address.";

    /// <summary>A request the framework could not read (a body that is not valid JSON, a missing or malformed parameter).</summary>
    public const string BadRequestDetail = "The request could not be read: check that the body is valid JSON of the documented shape and that every parameter is well formed.";

    /// <summary>A body the endpoint does not take (text or a form where it reads JSON).</summary>
    public const string UnsupportedMediaTypeDetail = "This address takes a JSON body: send it with Content-Type: application/json.";

    /// <summary>A body over the server's limit.</summary>
    public const string TooLargeDetail = "The request's body is larger than this address takes.";

    /// <summary>An unexpected failure: no detail of it goes out (it is logged under the answer's traceId).</summary>
    public const string ServerErrorDetail = "Something went wrong on our side and it has been logged. Try again; if it keeps happening, give the firm this answer's traceId.";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // The server refused what was sent (a body over the size limit, one cut short): the caller's mistake, answered with its 4xx.
            context.Response.Clear();
            context.Response.StatusCode = bad.StatusCode;
        }
        catch (Exception ex) when (!DatabaseUnavailableMiddleware.Answers(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.ApiFailed(ex, ex.GetType().Name, System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }

        var response = context.Response;
        if (response.StatusCode < 400 || response.HasStarted || response.ContentLength > 0 || response.ContentType is not null
            || HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = response.StatusCode, Detail = Detail(context) },
        });
    }

    private static string? Detail(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status401Unauthorized => UnauthorizedDetail,
        StatusCodes.Status403Forbidden => ForbiddenDetail,
        StatusCodes.Status400BadRequest => BadRequestDetail,
        StatusCodes.Status404NotFound => NotFoundDetail,
        StatusCodes.Status413PayloadTooLarge => TooLargeDetail,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaTypeDetail,
        StatusCodes.Status500InternalServerError => ServerErrorDetail,
        StatusCodes.Status405MethodNotAllowed => $"This address does not take {context.Request.Method}"
            + (context.Response.Headers.Allow is { Count: > 0 } allow ? $"; it takes {allow}." : "."),
        _ => null,
    };
}
