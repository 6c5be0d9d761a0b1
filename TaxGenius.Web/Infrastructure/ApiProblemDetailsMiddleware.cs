using System.Globalization;
using System.Reflection;
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

    /// <summary>A request with a body the framework could not read (not valid JSON, or not of the documented shape).</summary>
    public const string BadRequestDetail = "The request could not be read: check that the body is valid JSON of the documented shape and that every parameter is well formed.";

    /// <summary>A request without a body the framework could not read, where no one parameter could be named as the culprit.</summary>
    public const string BadParametersDetail = "The request could not be read: check that every parameter of the address is well formed.";

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
        StatusCodes.Status400BadRequest => BadRequestDetailOf(context),
        StatusCodes.Status404NotFound => NotFoundDetail,
        StatusCodes.Status413PayloadTooLarge => TooLargeDetail,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaTypeDetail,
        StatusCodes.Status500InternalServerError => ServerErrorDetail,
        StatusCodes.Status405MethodNotAllowed => $"This address does not take {context.Request.Method}"
            + (context.Response.Headers.Allow is { Count: > 0 } allow ? $"; it takes {allow}." : "."),
        _ => null,
    };

    /// <summary>
    /// What to say of a 400 no endpoint wrote, which is the framework refusing to bind the handler's parameters: the first parameter
    /// of the address (query or route) whose value does not read as its type, or that is required and missing, by name and with the
    /// shape it takes ("'from' must be a date written yyyy-MM-dd"), since the log that names it is the server's, not the caller's.
    /// Otherwise the body, if one was sent, or the parameters in general. The value sent is not repeated.
    /// </summary>
    internal static string BadRequestDetailOf(HttpContext context)
    {
        var request = context.Request;
        foreach (var parameter in context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [])
        {
            var optional = parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (parameter.Name is not { } name || ShapeOf(type) is not { } shape)
            {
                continue;
            }

            var value = request.Query.TryGetValue(name, out var query) ? query.ToString()
                : request.RouteValues.TryGetValue(name, out var route) ? Convert.ToString(route, CultureInfo.InvariantCulture) : null;
            if (string.IsNullOrEmpty(value) && !optional)
            {
                return $"The parameter '{name}' is required: {shape}.";
            }

            if (!string.IsNullOrEmpty(value) && !Reads(type, value))
            {
                return $"The parameter '{name}' must be {shape}.";
            }
        }

        return request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 ? BadRequestDetail : BadParametersDetail;
    }

    /// <summary>How a value of a parameter type the framework parses from text is written, or null for any other type (text, services, bodies).</summary>
    private static string? ShapeOf(Type type) => type switch
    {
        _ when type == typeof(Guid) => "an id such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        _ when type == typeof(DateOnly) => "a date written yyyy-MM-dd",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(bool) => "true or false",
        { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => null,
    };

    /// <summary>Whether <paramref name="value"/> reads as <paramref name="type"/> the way the framework reads it (invariant culture; enum names as written).</summary>
    private static bool Reads(Type type, string value) => type switch
    {
        _ when type == typeof(Guid) => Guid.TryParse(value, out _),
        _ when type == typeof(DateOnly) => DateOnly.TryParse(value, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(bool) => bool.TryParse(value, out _),
        _ => Enum.TryParse(type, value, ignoreCase: false, out _),
    };
}
