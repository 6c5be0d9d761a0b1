using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// /api/staff/documents/{id}/content: any client's document for PREPARER and ADMIN only, inline (the viewer) or as an
/// attachment (?download=true). Every response is an audited access. Clients and referrers get 403.
/// </summary>
internal static class StaffDocumentEndpoints
{
    public static RouteGroupBuilder MapStaffDocumentEndpoints(this RouteGroupBuilder api)
    {
        var staff = api.MapGroup("/staff/documents").RequireAuthorization(Policies.Staff).WithTags("Staff documents");
        staff.MapGet("/{id:guid}/content", ContentAsync).WithName("StaffDocumentContent");
        return api;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ContentAsync(Guid id, bool? download, HttpContext context,
        ClaimsPrincipal user, StaffDocumentService documents, CancellationToken cancellationToken)
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
        return TypedResults.Stream(content.Content, content.Document.ContentType);
    }
}
