using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;

namespace TaxGenius.Core.Email;

/// <summary>
/// Wakes the e-mail dispatcher when messages added with <see cref="EmailQueue.AddAsync"/> are committed (never when the save fails or
/// its transaction rolls back). If the process dies before the signal, the minutely dispatch finds them: they are rows already.
/// </summary>
public sealed class EmailDispatchInterceptor(IServiceProvider services) : AfterCommitInterceptor<EmailDispatchInterceptor.Pending>
{
    protected override Pending? Collect(DbContext context)
    {
        var added = context.ChangeTracker.Entries<QueuedEmail>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.HighPriority).ToList();
        return added.Count == 0 ? null : new Pending(added.Contains(true), added.Contains(false));
    }

    protected override Pending Merge(Pending earlier, Pending later) => new(earlier.High || later.High, earlier.Normal || later.Normal);

    protected override Task OnCommittedAsync(Pending pending, CancellationToken cancellationToken)
    {
        var signal = services.GetService<EmailDispatchSignal>();
        if (pending.High)
        {
            signal?.Raise(highPriority: true);
        }

        if (pending.Normal)
        {
            signal?.Raise(highPriority: false);
        }

        return Task.CompletedTask;
    }

    /// <summary>Which of the dispatcher's queues have new messages.</summary>
    public sealed record Pending(bool High, bool Normal);
}
