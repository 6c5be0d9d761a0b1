using Hangfire;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Email;

/// <summary>
/// The one way features send e-mail: render the template, store the message, and let a Hangfire job deliver it
/// (3 attempts with exponential backoff; password resets on the critical queue).
/// </summary>
public sealed class EmailQueue(IDbContextFactory<TaxGeniusDbContext> dbFactory, EmailRenderer renderer, IBackgroundJobClient jobs)
{
    public async Task<Guid> QueueAsync(string to, EmailTemplate template, CancellationToken cancellationToken = default)
    {
        var rendered = await renderer.RenderAsync(template, cancellationToken);
        var email = new QueuedEmail
        {
            Id = Guid.CreateVersion7(),
            To = to,
            Subject = rendered.Subject,
            Template = rendered.TemplateName,
            HighPriority = rendered.HighPriority,
            HtmlBody = rendered.Html,
            TextBody = rendered.Text,
        };

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.QueuedEmails.Add(email);
            await db.SaveChangesAsync(cancellationToken);
        }

        // Stored first, then enqueued: if enqueuing fails, the sweeper finds the stored message and enqueues it again.
        Enqueue(jobs, email.Id, email.HighPriority);
        return email.Id;
    }

    internal static void Enqueue(IBackgroundJobClient jobs, Guid emailId, bool highPriority) =>
        jobs.Enqueue<EmailDeliveryJob>(highPriority ? JobQueues.Critical : JobQueues.Default, job => job.DeliverAsync(emailId, CancellationToken.None));
}
