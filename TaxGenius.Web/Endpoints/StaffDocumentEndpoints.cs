using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Recognition;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// /api/staff/documents/{id}/content: any client's document for PREPARER and ADMIN only, inline (the viewer) or as an
/// attachment (?download=true); what recognition read from it, corrections to it, and filing it as read; an engagement's
/// recognized boxes as CSV. Every response is an audited access. Clients and referrers get 403.
/// </summary>
internal static class StaffDocumentEndpoints
{
    public static RouteGroupBuilder MapStaffDocumentEndpoints(this RouteGroupBuilder api)
    {
        var staff = api.MapGroup("/staff/documents").RequireAuthorization(Policies.Staff).WithTags("Staff documents").AnswersProblems(ApiDocumentation.RoleOnly);
        staff.MapGet("/{id:guid}/content", ContentAsync).WithName("StaffDocumentContent").WithSummary("View or download a client's document")
            .WithDescription("Inline for a viewer (HEIC and TIFF as a JPEG), or the original with ?download=true. Audited.").ProducesDocumentFile()
            .AnswersProblems(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        staff.MapGet("/{id:guid}/recognition", RecognitionAsync).WithName("StaffDocumentRecognition").WithSummary("Read what recognition found").AnswersProblems(StatusCodes.Status404NotFound);
        staff.MapPut("/{id:guid}/recognition/fields/{key}", CorrectAsync).WithName("StaffDocumentFieldCorrection").WithSummary("Correct a box")
            .AnswersProblems(StatusCodes.Status400BadRequest);
        staff.MapPost("/{id:guid}/recognition/refile", RefileAsync).WithName("StaffDocumentRefile")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("File as recognized")
            .WithDescription("Files an open document as recognition read it (its refile, e.g. \"File as 1099 for 2025\"), even when the client kept their choice.");
        api.MapGroup("/staff/engagements").RequireAuthorization(Policies.Staff).WithTags("Staff documents").AnswersProblems(ApiDocumentation.RoleOnly)
            .MapGet("/{id:guid}/boxes.csv", ExportAsync).WithName("EngagementBoxesCsv").WithSummary("Export a return's boxes as CSV")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").AnswersProblems(StatusCodes.Status404NotFound);
        return api;
    }

    public static string ExportPath(Guid engagementId) => $"/api/staff/engagements/{engagementId}/boxes.csv";

    /// <summary>A correction's body: the box's value as the preparer reads it on the document.</summary>
    public sealed record FieldCorrectionRequest(string? Value);

    /// <summary>
    /// What recognition read, as the API shows it: <c>status</c> QUEUED/DONE/UNREADABLE/FAILED, <c>kind</c> the form's name in code
    /// ("W2", "FORM_1099_INT") and <c>form</c> as printed ("1099-INT"), the boxes with what was read and what is in force.
    /// <paramref name="Illegible"/>: OCR could barely read the photo and the client was asked for a sharper one;
    /// <paramref name="ClientKeptIt"/>: they chose to keep it. <paramref name="Refile"/>: what POST …/recognition/refile would do for this
    /// caller ("File as 1099 for 2025"), or null when it would be refused.
    /// </summary>
    public sealed record RecognitionResponse(string Status, string? Kind, string? Form, double Confidence, int? TaxYear, string? Error, string? Mismatch,
        IReadOnlyList<FieldValue> Fields, bool Illegible, bool ClientKeptIt, string? Refile);

    /// <summary>The document as filed after a refile: its type in code ("FORM_1099") and its tax year.</summary>
    public sealed record RefileResponse(string Type, int TaxYear);

    /// <summary>What recognition read from the document (form, year, confidence, boxes with corrections); the view is audited.</summary>
    private static async Task<Results<Ok<RecognitionResponse>, ProblemHttpResult>> RecognitionAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        RecognitionReviewService review, CancellationToken cancellationToken) =>
        await review.GetAsync(AuditActors.From(user, context), id, cancellationToken) is { } found
            ? TypedResults.Ok(new RecognitionResponse(SeedEnumNames<RecognitionStatus>.ToName(found.Status),
                found.Kind is { } kind ? SeedEnumNames<FormKind>.ToName(kind) : null, found.Kind?.DisplayName(),
                found.Confidence, found.TaxYear, found.Error, found.Mismatch, found.Fields, found.Illegible, found.ClientKeptIt,
                found.Refile))
            : TypedResults.Problem(statusCode: 404, title: "Not recognized", detail: "There is no such document, or it has not been read.");

    /// <summary>
    /// A preparer or admin corrects one box (audited): 204, or 400 with what is wrong with the value or the box. Cookie calls send
    /// the antiforgery header like every other change; an admin's API token needs none.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> CorrectAsync(Guid id, string key, FieldCorrectionRequest? body, HttpContext context,
        ClaimsPrincipal user, RecognitionReviewService review, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.ScriptDetail) is { } csrf)
        {
            return csrf;
        }

        var error = await review.CorrectAsync(AuditActors.From(user, context), id, key, body?.Value, cancellationToken);
        return error is null ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 400, title: "Correction refused", detail: error);
    }

    /// <summary>
    /// A preparer or admin files the document as recognition read it (as the review page's button does), audited under their name:
    /// 200 with the type and year now in force, 404 for no such document, 409 with the reason when it is closed, claimed by another
    /// preparer, or already filed so. Cookie calls send the antiforgery header; an admin's API token needs none.
    /// </summary>
    private static async Task<Results<Ok<RefileResponse>, ProblemHttpResult>> RefileAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        ClientDocumentService documents, StaffDocumentService staffDocuments, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ApiAntiforgery.RefusalAsync(context, antiforgery, ApiAntiforgery.ScriptDetail) is { } csrf)
        {
            return csrf;
        }

        return await documents.RefileAsStaffAsync(AuditActors.From(user, context), id, cancellationToken) switch
        {
            null when await staffDocuments.GetDetailAsync(id, cancellationToken) is { } detail =>
                TypedResults.Ok(new RefileResponse(SeedEnumNames<DocumentType>.ToName(detail.Document.Type), detail.Document.TaxYear)),
            null or ClientDocumentService.GoneRefusal => DocumentEndpoints.NotFound(),
            var refusal => TypedResults.Problem(statusCode: 409, title: "Not filed again", detail: refusal),
        };
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(Guid id, HttpContext context, ClaimsPrincipal user,
        RecognitionReviewService review, CancellationToken cancellationToken)
    {
        if (await review.ExportAsync(AuditActors.From(user, context), id, cancellationToken) is not { } export)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such engagement", detail: "There is no engagement with that id.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(export.Content, "text/csv; charset=utf-8", export.FileName);
    }

    /// <summary>
    /// The document as stored, inline for the viewer or as an attachment. Inline, a HEIC or TIFF (which browsers cannot show) is
    /// converted to a JPEG in memory (<see cref="ImagePreview"/>); a download is always the original.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, FileContentHttpResult, ProblemHttpResult>> ContentAsync(Guid id, bool? download,
        HttpContext context, ClaimsPrincipal user, StaffDocumentService documents, CancellationToken cancellationToken)
    {
        var asAttachment = download == true;
        var content = await documents.OpenAsync(AuditActors.From(user, context), id, asAttachment, cancellationToken);
        if (content is null)
        {
            return DocumentEndpoints.NotFound();
        }

        var headers = context.Response.Headers;
        DocumentEndpoints.SetDocumentHeaders(context.Response, content.Document.FileSize);
        headers.XFrameOptions = "SAMEORIGIN";
        headers.ContentSecurityPolicy = "frame-ancestors 'self'";
        if (asAttachment)
        {
            return TypedResults.Stream(content.Content, content.Document.ContentType, fileDownloadName: content.DownloadName);
        }

        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(content.DownloadName);
        headers.ContentDisposition = disposition.ToString();
        var kind = DocumentFileKinds.FromContentType(content.Document.ContentType);
        if (kind is not { } convert || !ImagePreview.ShowsConverted(convert, content.Document.FileSize))
        {
            return TypedResults.Stream(content.Content, content.Document.ContentType);
        }

        byte[]? jpeg;
        await using (content.Content)
        {
            jpeg = await ImagePreview.ToJpegAsync(content.Content, cancellationToken);
        }

        if (jpeg is null)
        {
            headers.ContentDisposition = default;
            context.Response.ContentLength = null;
            return TypedResults.Problem(statusCode: 422, title: "Cannot be shown",
                detail: "This image could not be opened for viewing; it may be damaged. Download it to look at the original.");
        }

        context.Response.ContentLength = jpeg.Length;
        return TypedResults.File(jpeg, "image/jpeg");
    }
}
