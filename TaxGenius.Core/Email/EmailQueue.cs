using Hangfire;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Email;

/// <summary>
/// The one way features send e-mail: render the template, store the message, and wake the dispatcher, a Hangfire job
/// that delivers every due message in batches (3 attempts per message with exponential backoff; password resets first,
/// on the critical queue).
/// </summary>
public sealed class EmailQueue(IDbContextFactory<TaxGeniusDbContext> dbFactory, EmailRenderer renderer, EmailDispatchSignal signal)
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

        // Stored first, then signalled: if the process dies before the signal, the recurring dispatch finds the message.
        signal.Raise(email.HighPriority);
        return email.Id;
    }
}

/// <summary>
/// Wakes the dispatcher. Password resets enqueue a dispatch on the critical queue at once; other messages are coalesced:
/// at most one dispatch job per <see cref="Window"/> per process, always enqueued after the messages that asked for it
/// were stored, so each stored message is seen by a dispatch that starts after it.
/// </summary>
public sealed class EmailDispatchSignal(IBackgroundJobClient jobs)
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);
    private int armed;
    private int dirty;

    public void Raise(bool highPriority)
    {
        if (highPriority)
        {
            jobs.Enqueue<EmailDeliveryJob>(JobQueues.Critical, job => job.DispatchAsync(CancellationToken.None));
            return;
        }

        Volatile.Write(ref dirty, 1);
        if (Interlocked.Exchange(ref armed, 1) == 0)
        {
            _ = FireAsync();
        }
    }

    private async Task FireAsync()
    {
        await Task.Delay(Window);
        Volatile.Write(ref armed, 0);
        if (Interlocked.Exchange(ref dirty, 0) == 1)
        {
            jobs.Enqueue<EmailDeliveryJob>(JobQueues.Default, job => job.DispatchAsync(CancellationToken.None));
        }
    }
}
