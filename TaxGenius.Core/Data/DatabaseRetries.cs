using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace TaxGenius.Core.Data;

/// <summary>How database work survives a restart or a short outage, and how callers tell an outage from a bug.</summary>
public static class DatabaseRetries
{
    public const int MaxRetryCount = 4;

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Server codes retried beside Npgsql's own transient list: admin_shutdown and crash_shutdown (every pooled connection
    /// gets one after a restart) and cannot_connect_now (the server is starting).
    /// </summary>
    public static readonly string[] ExtraTransientCodes = ["57P01", "57P02", "57P03"];

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction under the context's execution strategy: when a transient failure interrupts it,
    /// the transaction is rolled back, the change tracker cleared and the whole unit of work run again. The work commits the
    /// transaction itself when it succeeds; returning without a commit rolls everything back.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this TaxGeniusDbContext db, Func<IDbContextTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            return await work(transaction, ct);
        }, cancellationToken);
    }

    /// <summary>
    /// True for the errors of a database that cannot be reached or is restarting (after the retries), as opposed to a refused or
    /// broken statement: the page says "try again" instead of failing.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                case Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" }:
                case Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
            }
        }

        return exception is InvalidOperationException { Message: var m } && m.Contains("transient failure", StringComparison.OrdinalIgnoreCase);
    }
}
