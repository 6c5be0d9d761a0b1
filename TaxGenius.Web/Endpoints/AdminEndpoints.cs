using System.Globalization;
using System.Text;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Endpoints;

/// <summary>/api/admin: administrators only (the group's policy; everyone else gets 401 or 403). Read-only over the audit log.</summary>
internal static class AdminEndpoints
{
    public const string AuditExportPath = "/api/admin/audit/export.csv";

    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(Policies.Admin).WithTags("Administration").AnswersProblems(ApiDocumentation.RoleOnly);
        admin.MapGet("/audit/export.csv", ExportAudit).WithName("AuditExport").WithSummary("Export the audit log as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .AnswersProblems(StatusCodes.Status400BadRequest);
        admin.MapGet("/payouts/{id:guid}/export.csv", ExportPayoutAsync).WithName("PayoutExport").WithSummary("Export a payout as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .AnswersProblems(StatusCodes.Status404NotFound);
        return api;
    }

    public static string PayoutExportPath(Guid id) => $"/api/admin/payouts/{id}/export.csv";

    /// <summary>One payout as CSV (RFC 4180, UTF-8): a line per paid referral and a totals line; 404 when there is no such payout.</summary>
    private static async Task<IResult> ExportPayoutAsync(Guid id, HttpContext context, PayoutService payouts)
    {
        await using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        if (!await payouts.WriteCsvAsync(id, buffer, context.RequestAborted))
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(buffer.ToString()), "text/csv; charset=utf-8",
            $"payout-{id}.csv");
    }

    /// <summary>
    /// The filtered audit log as CSV (RFC 4180, UTF-8, newest first), streamed in keyset batches; 400 for a window that ends before it
    /// starts (an empty file would read as "nothing happened").
    /// </summary>
    private static IResult ExportAudit(string? actor, Guid? subject, string? action, DateOnly? from, DateOnly? to, HttpContext context,
        AuditQueryService auditLog, TimeProvider clock)
    {
        var filter = new AuditFilter { ActorEmail = actor, SubjectId = subject, Action = action, From = from, To = to };
        if (filter.Refusal is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status400BadRequest, title: "Cannot export that");
        }

        context.Response.Headers.CacheControl = "no-store";
        var name = $"audit-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(async stream =>
        {
            await using var writer = CsvWriter.Utf8(stream);
            var csv = new CsvWriter(writer);
            await csv.WriteRecordAsync(["at_utc", "action", "actor_id", "actor_email", "subject_type", "subject_id", "subject_user_id", "detail", "ip_address", "user_agent", "id"]);
            await foreach (var e in auditLog.ReadAllAsync(filter, context.RequestAborted))
            {
                await csv.WriteRecordAsync([
                    e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), e.Action, e.ActorId?.ToString(), e.ActorEmail,
                    e.SubjectType, e.SubjectId?.ToString(), e.SubjectUserId?.ToString(), e.Detail, e.IpAddress, e.UserAgent, e.Id.ToString(),
                ]);
            }
        }, "text/csv; charset=utf-8", name);
    }
}
