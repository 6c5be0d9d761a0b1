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

    public static WebApplication MapTaxGeniusApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPattern).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        app.MapScalarApiReference(DocsPath, options => options
                .WithTitle("TaxGenius API")
                .WithOpenApiRoutePattern(DocumentPattern)
                .AddPreferredSecuritySchemes(BearerSchemeName)
                .AddHttpAuthentication(BearerSchemeName, _ => { }))
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}
