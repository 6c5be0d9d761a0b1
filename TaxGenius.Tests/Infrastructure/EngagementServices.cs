using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Engagements;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The engagement services over one test database and clock, wired as the app wires them (e-mail rendered and queued in the same
/// save, no dispatcher). Two instances over one database stand for two app instances.
/// </summary>
public sealed class EngagementServices : IDisposable
{
    private readonly ServiceProvider templates;

    public EngagementServices(TestDatabase database, TimeProvider clock, ReminderOptions? reminders = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTaxGeniusEmailTemplates();
        templates = services.BuildServiceProvider();

        var urls = new PublicUrls(Options.Create(new TaxGeniusOptions { PublicBaseUrl = "https://app.example.test" }));
        var emails = new EmailQueue(database.Factory, templates.GetRequiredService<EmailRenderer>());
        var audit = new AuditLog(database.Factory, clock);
        var stageEmails = new ReturnStageEmails(emails, urls);
        Engagements = new EngagementService(database.Factory, audit, stageEmails, clock);
        Requests = new DocumentRequestService(database.Factory, audit, emails, urls, stageEmails, clock);
        Reminders = new ReminderService(database.Factory, emails, urls, audit, Options.Create(reminders ?? new ReminderOptions()), clock);
        Organizer = new OrganizerService(database.Factory, Requests, stageEmails, audit, clock);
        Audit = audit;
        StageEmails = stageEmails;
    }

    public EngagementService Engagements { get; }
    public DocumentRequestService Requests { get; }
    public ReminderService Reminders { get; }
    public OrganizerService Organizer { get; }
    public AuditLog Audit { get; }
    public ReturnStageEmails StageEmails { get; }

    public void Dispose() => templates.Dispose();
}
