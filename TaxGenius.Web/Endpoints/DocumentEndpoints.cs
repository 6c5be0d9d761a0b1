using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// /api/documents: a client's own documents. Upload takes the raw file as the request body (streamed to the encrypted store, never
/// buffered) with its description in headers, so browsers can show real progress and nothing about the file travels in the URL.
/// Every route is for CLIENT only and reaches only the caller's rows: another client's id answers 404.
/// </summary>
internal static class DocumentEndpoints
{
    public const string FileNameHeader = "X-File-Name";
    public const string TypeHeader = "X-Document-Type";
    public const string TaxYearHeader = "X-Tax-Year";
    public const string ReplacesHeader = "X-Replaces";
    public const string RequestItemHeader = "X-Request-Item";

    /// <summary>
    /// A client's document. <paramref name="Suggestion"/>: recognition reads it as another form or year; <paramref name="BeingRead"/>:
    /// recognition has not finished with it; <paramref name="RetakeSuggested"/>: the photo is too blurred or dark to read, and a
    /// sharper one would help (DELETE …/suggestion keeps it); <paramref name="DuplicateOf"/>: the same file was uploaded before
    /// (DELETE …/duplicate keeps both).
    /// </summary>
    public sealed record DocumentResponse(Guid Id, string Type, string FileName, long FileSize, string ContentType, string Status, int TaxYear,
        string? RejectionReason, DateTime CreatedAt, DateTime UpdatedAt, Guid? ReplacesDocumentId, string Sha256, SuggestionResponse? Suggestion,
        bool BeingRead, bool RetakeSuggested, DuplicateResponse? DuplicateOf);

    /// <summary>
    /// The earlier upload of the same bytes that a PENDING document repeats: DELETE /api/documents/{id} removes the copy, DELETE
    /// …/duplicate keeps both. <paramref name="RejectionReason"/> is why the firm sent the earlier one back, when it did.
    /// </summary>
    public sealed record DuplicateResponse(Guid DocumentId, string FileName, DateTime UploadedAt, string Status, string? RejectionReason);

    /// <summary>
    /// What recognition suggests for a PENDING document filed as another form or year: POST …/suggestion/accept makes the change,
    /// DELETE …/suggestion keeps the choice.
    /// </summary>
    public sealed record SuggestionResponse(string Message, string SuggestedType, int SuggestedYear);

    public sealed record AntiforgeryResponse(string HeaderName, string Token);

    public static RouteGroupBuilder MapDocumentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/antiforgery", GetAntiforgeryToken).RequireAuthorization().WithName("GetAntiforgeryToken").WithTags("Account")
            .AnswersProblems(ApiDocumentation.AnyCall)
            .WithSummary("Get the antiforgery token")
            .WithDescription("The token (and its header name) that cookie-authenticated calls which change state must send.");

        var documents = api.MapGroup("/documents").RequireAuthorization(Policies.Client).WithTags("Documents").AnswersProblems(ApiDocumentation.RoleOnly);
        documents.MapGet("/", ListAsync).WithName("ListDocuments").WithSummary("List your documents")
            .WithDescription("Newest first, each with its status and, while it is PENDING, what recognition suggests.");
        documents.MapPost("/", UploadAsync).WithName("UploadDocument").WithSummary("Upload a document")
            .WithDescription($"The file is the raw request body; its name (percent-encoded), type and tax year go in {FileNameHeader}, {TypeHeader} and " +
                $"{TaxYearHeader}; {ReplacesHeader} names a REJECTED document it replaces, {RequestItemHeader} the requested item it answers.")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        documents.MapGet("/{id:guid}", GetAsync).WithName("GetDocument").WithSummary("Get a document").AnswersProblems(StatusCodes.Status404NotFound);
        documents.MapGet("/{id:guid}/content", DownloadAsync).WithName("DownloadDocument").WithSummary("Download a document").ProducesDocumentFile()
            .AnswersProblems(StatusCodes.Status404NotFound);
        documents.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteDocument").WithSummary("Delete a PENDING document")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        documents.MapPost("/{id:guid}/suggestion/accept", AcceptSuggestionAsync).WithName("AcceptDocumentSuggestion")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Accept the suggestion")
            .WithDescription("Files a PENDING document as recognition read it: the type and year of its suggestion.");
        documents.MapDelete("/{id:guid}/suggestion", DismissSuggestionAsync).WithName("DismissDocumentSuggestion")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Dismiss the suggestion")
            .WithDescription("Keeps the type and year chosen at upload (or the photo recognition found blurred): it is not offered again.");
        documents.MapDelete("/{id:guid}/duplicate", KeepDuplicateAsync).WithName("KeepDuplicateDocument")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Keep a copy")
            .WithDescription("Keeps a document although it is the same file as an earlier upload (its duplicateOf): it is not asked about again.");
        return api;
    }

    private static Ok<AntiforgeryResponse> GetAntiforgeryToken(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryResponse(tokens.HeaderName!, tokens.RequestToken!));
    }

    private static async Task<Ok<List<DocumentResponse>>> ListAsync(ClaimsPrincipal user, ClientDocumentService documents, CancellationToken cancellationToken)
    {
        var list = await documents.ListAsync(user.GetUserId(), cancellationToken);
        return TypedResults.Ok(list.Select(d => ToResponse(d)).ToList());
    }

    private static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, ClientDocumentService documents,
        CancellationToken cancellationToken) =>
        await documents.FindAsync(user.GetUserId(), id, cancellationToken) is { } document
            ? TypedResults.Ok(ToResponse(document))
            : NotFound();

    private static async Task<Results<Created<DocumentResponse>, ProblemHttpResult>> UploadAsync(HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        // Cookie-authenticated and state-changing: the antiforgery token must come in a header (browsers can't forge it cross-site).
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, "Reload the page and try the upload again.") is { } forged)
        {
            return forged;
        }

        var headers = context.Request.Headers;
        string? fileName;
        try
        {
            fileName = headers[FileNameHeader].ToString() is { Length: > 0 } encoded ? Uri.UnescapeDataString(encoded) : null;
        }
        catch (UriFormatException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid file name", $"The {FileNameHeader} header must be percent-encoded UTF-8.");
        }

        if (!TryParseType(headers[TypeHeader].ToString(), out var type))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid document type",
                $"Say what kind of document this is in {TypeHeader}: one of {string.Join(", ", SeedEnumNames<DocumentType>.Names)}.");
        }

        if (!int.TryParse(headers[TaxYearHeader].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var taxYear))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid tax year", $"Give the tax year in {TaxYearHeader}, for example 2025.");
        }

        Guid? replaces = null;
        if (headers[ReplacesHeader].ToString() is { Length: > 0 } replacesValue)
        {
            if (!Guid.TryParse(replacesValue, out var replacesId))
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid document id", $"{ReplacesHeader} must be a document id.");
            }

            replaces = replacesId;
        }

        Guid? requestItem = null;
        if (headers[RequestItemHeader].ToString() is { Length: > 0 } itemValue)
        {
            if (!Guid.TryParse(itemValue, out var itemId))
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid request item id", $"{RequestItemHeader} must be the id of a requested item.");
            }

            requestItem = itemId;
        }

        // Kestrel's default body limit (30 MB) gives way to the configured per-file limit; the store enforces it while streaming.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = documents.MaxFileBytes + 1;
        }

        UploadResult result;
        try
        {
            result = await documents.UploadAsync(user.GetUserId(), new UploadRequest(fileName, type, taxYear, replaces, requestItem), context.Request.Body,
                context.Request.ContentLength, cancellationToken);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            result = new UploadResult(null, UploadFailure.TooLarge, ClientDocumentService.TooLargeMessage(documents.MaxFileBytes, null));
        }

        if (result.Document is { } document)
        {
            return TypedResults.Created($"/api/documents/{document.Id}", ToResponse(document));
        }

        return result.Failure switch
        {
            UploadFailure.TooLarge => Problem(StatusCodes.Status413PayloadTooLarge, "File too large", result.Error!),
            UploadFailure.UnsupportedContent => Problem(StatusCodes.Status415UnsupportedMediaType, "File refused", result.Error!),
            UploadFailure.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result.Error!),
            UploadFailure.StorageUnavailable => Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", result.Error!),
            _ => Problem(StatusCodes.Status400BadRequest, "Upload refused", result.Error!),
        };
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, CancellationToken cancellationToken)
    {
        var content = await documents.OpenAsync(user.GetUserId(), id, cancellationToken);
        if (content is null)
        {
            return NotFound();
        }

        SetDocumentHeaders(context.Response, content.Document.FileSize);
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.Stream(content.Content, content.Document.ContentType, fileDownloadName: content.DownloadName);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.PageDetail) is { } forged)
        {
            return forged;
        }

        return await documents.DeleteAsync(user.GetUserId(), id, cancellationToken) switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.NotPending => Problem(StatusCodes.Status409Conflict, "Document in review",
                "Only a document that is still PENDING can be deleted; this one is already with the firm."),
            _ => NotFound(),
        };
    }

    /// <summary>
    /// The owner accepts the suggestion (as the documents page's button does): 200 with the document as now filed, 404 for no such
    /// document of theirs, 409 with the reason when there is nothing to change or the firm has started on it.
    /// </summary>
    private static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> AcceptSuggestionAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.PageDetail) is { } forged)
        {
            return forged;
        }

        var userId = user.GetUserId();
        return await documents.AcceptSuggestionAsync(userId, id, cancellationToken) switch
        {
            null => await documents.FindAsync(userId, id, cancellationToken) is { } document ? TypedResults.Ok(ToResponse(document)) : NotFound(),
            ClientDocumentService.GoneRefusal => NotFound(),
            var refusal => Problem(StatusCodes.Status409Conflict, "Not changed", refusal),
        };
    }

    /// <summary>The owner keeps their choice: 204 (also when there was no suggestion left to dismiss), 404 for no such document of theirs.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DismissSuggestionAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.PageDetail) is { } forged)
        {
            return forged;
        }

        var userId = user.GetUserId();
        if (await documents.FindAsync(userId, id, cancellationToken) is null)
        {
            return NotFound();
        }

        await documents.DismissSuggestionAsync(userId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The owner keeps a copy of an earlier upload: 204 (also when it was kept already), 404 for no such document of theirs.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> KeepDuplicateAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.PageDetail) is { } forged)
        {
            return forged;
        }

        return await documents.KeepDuplicateAsync(user.GetUserId(), id, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    /// <summary>Declares a 200 whose body is a stored document: a PDF or an image, in the type it was stored as.</summary>
    internal static RouteHandlerBuilder ProducesDocumentFile(this RouteHandlerBuilder builder)
    {
        string[] types = [.. Enum.GetValues<DocumentFileKind>().Select(k => k.ContentType())];
        return builder.Produces(StatusCodes.Status200OK, responseType: null, types[0], types[1..]);
    }

    private static bool TryParseType(string value, out DocumentType type)
    {
        try
        {
            type = SeedEnumNames<DocumentType>.Parse(value.Trim().ToUpperInvariant());
            return true;
        }
        catch (FormatException)
        {
            type = default;
            return false;
        }
    }

    /// <summary>Every response carrying a document's content: never cached, never sniffed into another type, its exact length.</summary>
    internal static void SetDocumentHeaders(HttpResponse response, long length)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = length;
    }

    /// <summary>The same answer whether the document does not exist or belongs to someone else: nothing to learn from it.</summary>
    internal static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "Not found", "No such document.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    private static DocumentResponse ToResponse(DocumentView d) => new(d.Id, SeedEnumNames<DocumentType>.ToName(d.Type), d.FileName,
        d.FileSize, d.ContentType, SeedEnumNames<DocumentStatus>.ToName(d.Status), d.TaxYear, d.RejectionReason, d.CreatedAt, d.UpdatedAt,
        d.ReplacesDocumentId, d.Sha256,
        d.Suggestion is { } suggestion ? new SuggestionResponse(suggestion.Message, SeedEnumNames<DocumentType>.ToName(suggestion.SuggestedType), suggestion.SuggestedYear) : null,
        d.BeingRead, d.RetakeSuggested,
        d.Duplicate is { } earlier
            ? new DuplicateResponse(earlier.DocumentId, earlier.FileName, earlier.UploadedAt, SeedEnumNames<DocumentStatus>.ToName(earlier.Status), earlier.RejectionReason)
            : null);
}
