using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaxGenius.Core.Dashboards;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>/api/me: who the caller is. The first endpoint of the JSON API (cookie-authenticated, rate limited).</summary>
internal static class MeEndpoints
{
    public sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetMe).WithName("GetMe").WithTags("Account").WithSummary("Get the caller").WithDescription("Who the caller is: id, e-mail, name, roles.").RequireAuthorization()
            .AnswersProblems([.. ApiDocumentation.AnyCall, StatusCodes.Status404NotFound]);
        return api;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMe(ClaimsPrincipal user, RoleHomeService homes, CancellationToken cancellationToken)
    {
        var id = user.GetUserId();
        var greeting = await homes.GetGreetingAsync(id, cancellationToken);
        if (greeting is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "This account no longer exists.");
        }

        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new MeResponse(id, greeting.Email, greeting.DisplayName, roles));
    }
}
