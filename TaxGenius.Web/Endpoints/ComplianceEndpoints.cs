using System.Text;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Compliance.Retention;
using TaxGenius.Core.Identity;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>
/// /api/admin/compliance: administrators only. Downloads of the compliance centre: disposal certificates (PDF, CSV), access reports
/// (PDF, CSV; each export audited, since it names clients) and the security-plan evidence pack. Bad input is a 400 ProblemDetails.
/// </summary>
internal static class ComplianceEndpoints
{
    public static RouteGroupBuilder MapComplianceEndpoints(this RouteGroupBuilder api)
    {
        var compliance = api.MapGroup("/admin/compliance").RequireAuthorization(Policies.Admin).WithTags("Compliance").AnswersProblems(ApiDocumentation.RoleOnly);
        compliance.MapGet("/disposals/{id:guid}/certificate.{format}", CertificateAsync).WithName("DisposalCertificate").WithSummary("Get a disposal certificate (PDF or CSV)")
            .Produces(StatusCodes.Status200OK, responseType: null, "application/pdf", "text/csv")
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        compliance.MapGet("/access-report.{format}", AccessReportAsync).WithName("AccessReport").WithSummary("Get an access report (PDF or CSV)")
            .Produces(StatusCodes.Status200OK, responseType: null, "application/pdf", "text/csv").AnswersProblems(StatusCodes.Status400BadRequest);
        compliance.MapGet("/evidence.pdf", EvidenceAsync).WithName("EvidencePack").WithSummary("Get the security-plan evidence pack (PDF)").Produces(StatusCodes.Status200OK, contentType: "application/pdf");
        return api;
    }

    public static string CertificatePath(Guid disposalId, string format) => $"/api/admin/compliance/disposals/{disposalId}/certificate.{format}";

    public static string AccessReportPath(AccessReportRequest request, string format) =>
        $"/api/admin/compliance/access-report.{format}?scope={request.Scope}&id={request.Id}&from={request.From:yyyy-MM-dd}&to={request.To:yyyy-MM-dd}";

    public const string EvidencePath = "/api/admin/compliance/evidence.pdf";

    private static async Task<IResult> CertificateAsync(Guid id, string format, HttpContext context, RetentionService retention)
    {
        if (format is not ("pdf" or "csv"))
        {
            return TypedResults.Problem(statusCode: 400, title: "Unknown format", detail: "Ask for certificate.pdf or certificate.csv.");
        }

        var disposal = await retention.FindAsync(id, context.RequestAborted);
        if (disposal is not { Status: DisposalStatus.Disposed })
        {
            return TypedResults.Problem(statusCode: 404, title: "No such certificate", detail: "There is no completed disposal with that id.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return format == "pdf"
            ? TypedResults.File(DisposalCertificate.Pdf(disposal), "application/pdf", $"disposal-certificate-{id}.pdf")
            : TypedResults.File(new UTF8Encoding(false).GetBytes(DisposalCertificate.Csv(disposal)), "text/csv; charset=utf-8", $"disposal-certificate-{id}.csv");
    }

    private static async Task<IResult> AccessReportAsync(string format, AccessReportScope? scope, Guid? id, DateOnly? from, DateOnly? to, HttpContext context,
        AccessReportService reports)
    {
        if (format is not ("pdf" or "csv"))
        {
            return TypedResults.Problem(statusCode: 400, title: "Unknown format", detail: "Ask for access-report.pdf or access-report.csv.");
        }

        if (scope is null || id is null || from is null || to is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "Incomplete request",
                detail: "Give scope (StaffMember, Client or ApiToken), id, from and to (yyyy-MM-dd).");
        }

        var request = new AccessReportRequest(scope.Value, id.Value, from.Value, to.Value);
        if (request.Refusal is { } refusal)
        {
            return TypedResults.Problem(statusCode: 400, title: "Cannot make that report", detail: refusal);
        }

        var report = await reports.BuildAsync(request, context.RequestAborted);
        await reports.RecordExportAsync(AuditActors.From(context.User, context), report, format.ToUpperInvariant(), context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        var name = $"access-report-{request.From:yyyyMMdd}-{request.To:yyyyMMdd}";
        if (format == "pdf")
        {
            return TypedResults.File(AccessReportService.ToPdf(report), "application/pdf", name + ".pdf");
        }

        using var buffer = new MemoryStream();
        await AccessReportService.WriteCsvAsync(report, buffer, context.RequestAborted);
        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", name + ".csv");
    }

    private static async Task<IResult> EvidenceAsync(HttpContext context, ComplianceEvidenceService evidence)
    {
        var pack = await evidence.BuildAsync(context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(ComplianceEvidenceService.ToPdf(pack), "application/pdf", $"security-plan-evidence-{pack.MadeAt:yyyyMMdd}.pdf");
    }
}
