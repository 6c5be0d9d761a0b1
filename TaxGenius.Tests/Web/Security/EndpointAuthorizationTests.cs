using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>Every endpoint the app maps (pages, API, framework, dashboards, static files) says who may use it.</summary>
public sealed class EndpointAuthorizationTests(AppFixture app) : IClassFixture<AppFixture>
{
    /// <summary>
    /// The one endpoint the framework maps without conventions: when static web assets are served from the build output
    /// (`dotnet run`, test hosts; not a published app) a catch-all serves wwwroot files changed since the build. Public files only.
    /// </summary>
    private const string StaticWebAssetsFallback = "GET,HEAD {**path:file} (Fallback {**path:file})";

    [Fact]
    public void Every_endpoint_has_an_authorization_policy_or_an_explicit_allow_anonymous()
    {
        var undeclared = Undeclared(app.Factory).Where(e => e != StaticWebAssetsFallback).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints that declare nobody: " + Environment.NewLine + string.Join(Environment.NewLine, undeclared));
    }

    [Fact]
    public async Task In_production_every_endpoint_declares_too()
    {
        await using var production = await TaxGeniusAppFactory.CreateAsync(extra: new Dictionary<string, string?>
        {
            [TaxGeniusAppFactory.EnvironmentSetting] = "Production",
        });
        var undeclared = Undeclared(production).Where(e => e != StaticWebAssetsFallback).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints that declare nobody: " + Environment.NewLine + string.Join(Environment.NewLine, undeclared));
    }

    private static List<string> Undeclared(TaxGeniusAppFactory factory)
    {
        factory.StartServer();
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 50, $"Only {endpoints.Count} endpoints found.");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText?.Contains("api/users", StringComparison.Ordinal) == true);
        return endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])} {e.RoutePattern.RawText} ({e.DisplayName})")
            .Distinct()
            .ToList();
    }
}
