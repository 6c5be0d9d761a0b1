using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace TaxGenius.Core.Data;

/// <summary>
/// Acts on what a save changed once it is durable: collects it before the save, then acts right after the save when the save runs on
/// its own, after the commit when it runs inside an explicit transaction (anyone reading earlier would not see the rows yet), and
/// never after a failed save or a rollback. The e-mail dispatch signal and cache invalidation both hang off it.
/// </summary>
/// <typeparam name="TPending">What one save leaves to do.</typeparam>
public abstract class AfterCommitInterceptor<TPending> : SaveChangesInterceptor, IDbTransactionInterceptor
    where TPending : class
{
    private readonly ConditionalWeakTable<DbContext, TPending> saving = [];
    private readonly ConditionalWeakTable<DbTransaction, TPending> committing = [];

    /// <summary>What the pending changes of <paramref name="context"/> leave to do, or null for nothing.</summary>
    protected abstract TPending? Collect(DbContext context);

    /// <summary>Two saves in one transaction: what both leave to do.</summary>
    protected abstract TPending Merge(TPending earlier, TPending later);

    /// <summary>Runs once the changes are committed. Must not throw: the data is saved whatever happens here.</summary>
    protected abstract Task OnCommittedAsync(TPending pending, CancellationToken cancellationToken);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context)?.GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context, cancellationToken) is { } work)
        {
            await work;
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is not null)
        {
            saving.Remove(eventData.Context);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(transaction, CancellationToken.None)?.GetAwaiter().GetResult();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Committed(transaction, cancellationToken) ?? Task.CompletedTask;

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => committing.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        committing.Remove(transaction);
        return Task.CompletedTask;
    }

    private void Remember(DbContext? context)
    {
        if (context is not null && Collect(context) is { } pending)
        {
            saving.AddOrUpdate(context, pending);
        }
    }

    private Task? Saved(DbContext? context, CancellationToken cancellationToken = default)
    {
        if (context is null || !saving.TryGetValue(context, out var pending))
        {
            return null;
        }

        saving.Remove(context);
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
        {
            committing.AddOrUpdate(transaction, committing.TryGetValue(transaction, out var earlier) ? Merge(earlier, pending) : pending);
            return null;
        }

        return OnCommittedAsync(pending, cancellationToken);
    }

    private Task? Committed(DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (!committing.TryGetValue(transaction, out var pending))
        {
            return null;
        }

        committing.Remove(transaction);
        return OnCommittedAsync(pending, cancellationToken);
    }
}
