using Microsoft.OpenApi;
using Scalar.AspNetCore;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The OpenAPI document of /api (at <see cref="DocumentPattern"/>) and the Scalar reference that reads it (at <see cref="DocsPath"/>),
/// both for administrators only. Scalar's script is served by the app itself (embedded in Scalar.AspNetCore): no CDN, works offline.
/// </summary>
internal static class ApiDocumentation
{
    public const string DocumentName = "v1";
    public const string DocumentPattern = "/api/openapi/{documentName}.json";
    public const string DocsPath = "/api/docs";
    public const string BearerSchemeName = "Bearer";

    public static IServiceCollection AddTaxGeniusOpenApi(this IServiceCollection services) => services.AddOpenApi(DocumentName, options =>
    {
        // The JSON API only: not the pages, the account endpoints or the health checks.
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "TaxGenius API",
                Version = DocumentName,
                Description = "Administrators: send a personal access token (made on /admin/tokens) as 'Authorization: Bearer tgp_…'. " +
                    "Signed in with the cookie instead, state-changing calls need the X-CSRF-TOKEN header from GET /api/antiforgery.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "tgp_ personal access token",
                Description = "A personal access token: tgp_ followed by 43 characters.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
    });

    /// <summary>Every /api call is signed in and rate limited: a caller may always get 401 or 429.</summary>
    public static readonly int[] AnyCall = [StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests];

    /// <summary>A route for one role (or staff): the other roles get 403 as well.</summary>
    public static readonly int[] RoleOnly = [.. AnyCall, StatusCodes.Status403Forbidden];

    /// <summary>
    /// Declares the ProblemDetails answers an endpoint, or every endpoint of a group, may give, so the OpenAPI document (and Scalar)
    /// lists them beside the success. The handlers' own <c>Results&lt;…, ProblemHttpResult&gt;</c> cannot say which statuses.
    /// </summary>
    public static TBuilder AnswersProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    public static WebApplication MapTaxGeniusApiDocumentation(this WebApplication app)
    {
        // Scalar's page has no language on <html>: screen readers would guess. Added on the way out (that one page only).
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path.Value?.TrimEnd('/') != DocsPath)
            {
                await next(context);
                return;
            }

            var original = context.Response.Body;
            await using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            var bytes = buffer.ToArray();
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                var html = System.Text.Encoding.UTF8.GetString(bytes);
                bytes = System.Text.Encoding.UTF8.GetBytes(html.Replace("<html>", "<html lang=\"en\">", StringComparison.Ordinal));
                context.Response.ContentLength = bytes.Length;
            }

            await original.WriteAsync(bytes, context.RequestAborted);
        });

        app.MapOpenApi(DocumentPattern).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        // The page's one inline script carries a fresh nonce per request, which the page policy (SecurityHeaders) allows: no
        // 'unsafe-inline' anywhere.
        app.MapScalarApiReference(DocsPath, options => options
                .WithTitle("TaxGenius API")
                .WithNonce()
                // Offline and private: no web fonts from Scalar's CDN, no telemetry, no AI agent or MCP server, no "deploy" links.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                // WCAG AA contrast for the few greys Scalar uses for placeholders and tab labels, and for the colours of the HTTP
                // methods: in Scalar's own shades POST and DELETE read at 3.9:1 on white, DELETE at 3.9–4.3:1 on the dark greys.
                .WithCustomCss(".sidebar-search-placeholder, .client-libraries-text { color: var(--scalar-color-2) !important; } "
                    + ".light-mode { --scalar-color-green: #047857 !important; --scalar-color-red: #c81e1e !important; "
                    + "--scalar-color-orange: #b45309 !important; --scalar-color-yellow: #8a6100 !important; } "
                    + ".dark-mode { --scalar-color-red: #ff6b6b !important; }")
                .WithDotNetFlag(false)
                .WithOpenApiRoutePattern(DocumentPattern)
                .AddPreferredSecuritySchemes(BearerSchemeName)
                .AddHttpAuthentication(BearerSchemeName, _ => { }))
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}
