using Hangfire;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Email;

/// <summary>
/// The one way features send e-mail: <see cref="AddAsync"/> renders the template and adds the message to the caller's
/// <see cref="TaxGeniusDbContext"/>, so it is committed in the same transaction as the change it tells about (a crash between the
/// two can no longer lose it). <see cref="EmailDispatchInterceptor"/> wakes the dispatcher once that save has committed; the
/// dispatcher, a Hangfire job, delivers every due message in batches (password resets first, on the critical queue).
/// </summary>
public sealed class EmailQueue(IDbContextFactory<TaxGeniusDbContext> dbFactory, EmailRenderer renderer)
{
    /// <summary>Adds the message to <paramref name="db"/>; it is stored with the caller's save, and sent after it commits.</summary>
    public async Task<QueuedEmail> AddAsync(TaxGeniusDbContext db, string to, EmailTemplate template, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
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
        db.QueuedEmails.Add(email);
        return email;
    }

    /// <summary>A message that goes with no other change (a confirmation link, an invitation to a new address): stored at once.</summary>
    public async Task<Guid> QueueAsync(string to, EmailTemplate template, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var email = await AddAsync(db, to, template, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
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
