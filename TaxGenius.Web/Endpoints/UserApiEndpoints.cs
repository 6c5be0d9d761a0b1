using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// /api/users: the administrators' REST API on accounts (cookie with the X-CSRF-TOKEN header for state-changing calls, or an API
/// token). Answers are <see cref="UserResponse"/> records: never an entity, never anything about an SSN.
/// <list type="bullet">
/// <item>GET /api/users?role=&amp;after=&amp;limit=: newest first, keyset-paged (<c>next</c> is the cursor of the following page).</item>
/// <item>POST /api/users {email, name, role}: role CLIENT, PREPARER or REFERRER; 400 with field errors, 409 when the address is taken.</item>
/// <item>PATCH /api/users/{id} {name?, role?}: any other property (email included: changing an address needs its owner's confirmation)
/// is refused with 400 naming it, and nothing changes; 409 when a rule refuses (the last administrator).</item>
/// <item>DELETE /api/users/{id}: 204; 409 when refused (the last administrator, referrals or notes on the books).</item>
/// </list>
/// </summary>
internal static class UserApiEndpoints
{
    public const int DefaultLimit = 50;

    public sealed record UserResponse(Guid Id, string Email, string? Name, string? Role, bool EmailConfirmed, string State, DateTime CreatedAt);

    public sealed record UserListResponse(IReadOnlyList<UserResponse> Users, string? Next);

    /// <summary>The body of POST /api/users (documentation: the endpoint reads the JSON itself to name refused properties).</summary>
    public sealed record CreateUserRequest(string Email, string Name, string Role);

    /// <summary>The body of PATCH /api/users/{id}: only these properties, each optional.</summary>
    public sealed record UpdateUserRequest(string? Name, string? Role);

    private static readonly string[] CreateFields = ["email", "name", "role"];
    private static readonly string[] UpdateFields = ["name", "role"];

    public static RouteGroupBuilder MapUserApiEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(Policies.Admin).WithTags("Users").AnswersProblems(ApiDocumentation.RoleOnly);
        users.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("List users");
        users.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Create a user").Accepts<CreateUserRequest>("application/json")
            .AnswersProblems(StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);
        users.MapGet("/{id:guid}", GetAsync).WithName("GetUser").WithSummary("Get a user").AnswersProblems(StatusCodes.Status404NotFound);
        users.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateUser").WithSummary("Change a user's name or role").Accepts<UpdateUserRequest>("application/merge-patch+json", "application/json")
            .AnswersProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType);
        users.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteUser").WithSummary("Delete a user")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Ok<UserListResponse>, ValidationProblem>> ListAsync(string? role, string? after, int? limit,
        UserDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (role is not null && !Roles.All.Contains(role))
        {
            errors["role"] = [$"The role must be one of {string.Join(", ", Roles.All)}."];
        }

        PageCursor? cursor = null;
        if (after is not null)
        {
            cursor = PageCursor.TryParse(after, out var parsed) ? parsed : null;
        }

        if (after is not null && cursor is null)
        {
            errors["after"] = ["Pass the 'next' value of the previous page."];
        }

        if (limit is < 1 or > UserDirectory.MaxPageSize)
        {
            errors["limit"] = [$"The limit must be 1 to {UserDirectory.MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await directory.GetPageAsync(new UserFilter { Role = role }, after: cursor, pageSize: limit ?? DefaultLimit,
            cancellationToken: cancellationToken);
        return TypedResults.Ok(new UserListResponse([.. page.Rows.Select(ToResponse)], page.HasNext ? page.Last!.Value.ToToken() : null));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(Guid id, UserApiService usersApi, CancellationToken cancellationToken) =>
        await usersApi.GetAsync(id, cancellationToken) is { } user ? TypedResults.Ok(ToResponse(user)) : NotFound();

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpContext context, ClaimsPrincipal user,
        UserApiService usersApi, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.ScriptDetail) is { } csrf)
        {
            return csrf;
        }

        var (body, problem) = await ReadObjectAsync(context, CreateFields, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var fieldErrors = new Dictionary<string, string[]>();
        var email = ReadString(body!.Value, "email", fieldErrors);
        var name = ReadString(body.Value, "name", fieldErrors);
        var role = ReadString(body.Value, "role", fieldErrors);
        if (fieldErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(fieldErrors);
        }

        var result = await usersApi.CreateAsync(AuditActors.From(user, context), email, name, role, cancellationToken);
        return result.Outcome switch
        {
            UserApiOutcome.Ok => TypedResults.Created($"/api/users/{result.User!.Id}", ToResponse(result.User)),
            UserApiOutcome.Duplicate => Problem(StatusCodes.Status409Conflict, "E-mail address already used", result.Detail!),
            _ => TypedResults.ValidationProblem(result.Errors!),
        };
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, HttpContext context,
        ClaimsPrincipal user, UserApiService usersApi, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.ScriptDetail) is { } csrf)
        {
            return csrf;
        }

        var (body, problem) = await ReadObjectAsync(context, UpdateFields, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var fieldErrors = new Dictionary<string, string[]>();
        var hasName = TryGetProperty(body!.Value, "name", out _);
        var hasRole = TryGetProperty(body.Value, "role", out _);
        var name = hasName ? ReadString(body.Value, "name", fieldErrors) ?? Required(fieldErrors, "name") : null;
        var role = hasRole ? ReadString(body.Value, "role", fieldErrors) ?? Required(fieldErrors, "role") : null;
        if (fieldErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(fieldErrors);
        }

        var result = await usersApi.UpdateAsync(AuditActors.From(user, context), id, name, role, cancellationToken);
        return result.Outcome switch
        {
            UserApiOutcome.Ok => TypedResults.Ok(ToResponse(result.User!)),
            UserApiOutcome.NotFound => NotFound(),
            UserApiOutcome.Refused => Problem(StatusCodes.Status409Conflict, "Refused", result.Detail!),
            _ => TypedResults.ValidationProblem(result.Errors!),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        UserApiService usersApi, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.ScriptDetail) is { } csrf)
        {
            return csrf;
        }

        var result = await usersApi.DeleteAsync(AuditActors.From(user, context), id, cancellationToken);
        return result.Outcome switch
        {
            UserApiOutcome.Ok => TypedResults.NoContent(),
            UserApiOutcome.NotFound => NotFound(),
            _ => Problem(StatusCodes.Status409Conflict, "Refused", result.Detail!),
        };
    }

    /// <summary>
    /// Reads the body as one JSON object whose properties are all in <paramref name="allowed"/> (case-insensitive). Any other property
    /// (the account's internals such as passwordHash or ssnEncrypted, or anything unknown) is refused by name: nothing is bound from it.
    /// </summary>
    private static async Task<(JsonElement? Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpContext context, string[] allowed,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send a JSON object (application/json)."));
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid JSON", "The body is not valid JSON."));
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid body", "Send a JSON object."));
        }

        var refused = body.EnumerateObject().Select(p => p.Name)
            .Where(n => !allowed.Contains(n, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
        if (refused.Count > 0)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Refused properties",
                detail: $"Only {string.Join(", ", allowed)} can be set here; refused: {string.Join(", ", refused)}. Nothing was changed.",
                extensions: new Dictionary<string, object?> { ["refusedFields"] = refused }));
        }

        return (body, null);
    }

    private static bool TryGetProperty(JsonElement body, string name, out JsonElement value)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The string value of a property (null when absent or null); a non-string value is a field error.</summary>
    private static string? ReadString(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!TryGetProperty(body, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"The {name} must be a string."];
            return null;
        }

        return value.GetString();
    }

    private static string? Required(Dictionary<string, string[]> errors, string name)
    {
        errors.TryAdd(name, [$"The {name} cannot be null."]);
        return null;
    }


    private static UserResponse ToResponse(UserRow u) => new(u.Id, u.Email, u.Name?.Trim() is { Length: > 0 } name ? name : null, u.Role,
        u.EmailConfirmed, u.State.ToString().ToUpperInvariant(), u.CreatedAt);

    private static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "Not found", "No such user.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
