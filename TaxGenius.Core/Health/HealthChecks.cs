using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;

namespace TaxGenius.Core.Health;

/// <summary>The database answers a query.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<TaxGeniusDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{db.Database.ProviderName} reachable")
                : new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.", ex);
        }
    }
}

/// <summary>Redis answers a PING.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer multiplexer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await multiplexer.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.", ex);
        }
    }
}

/// <summary>
/// The mail transport: degraded (not unhealthy: pages still work and messages wait in the queue) while the SMTP relay refuses
/// connections or the last send failed; the description counts the messages waiting for a retry and those given up. The relay
/// is probed at most every <see cref="ProbeInterval"/>, so a load balancer polling readiness does not hammer it.
/// </summary>
public sealed class EmailTransportHealthCheck(
    IEmailTransport transport,
    EmailTransportStatus status,
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    TimeProvider timeProvider) : IHealthCheck
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim probing = new(1, 1);
    private (DateTimeOffset At, string? Error)? lastProbe;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string queue;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // Waiting: failed at least once and not given up, including a message whose next attempt is running this instant.
            var waiting = await db.QueuedEmails.CountAsync(e => (e.Status == QueuedEmailStatus.Queued || e.Status == QueuedEmailStatus.Sending)
                && e.LastError != null, cancellationToken);
            var givenUp = await db.QueuedEmails.CountAsync(e => e.Status == QueuedEmailStatus.Failed, cancellationToken);
            queue = $"{waiting} waiting for a retry, {givenUp} given up";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            queue = "queue unknown (the database does not answer)";
        }

        if (transport is not SmtpEmailTransport smtp)
        {
            return HealthCheckResult.Healthy($"local outbox; {queue}");
        }

        var error = await ProbeAsync(smtp, cancellationToken);
        if (error is not null)
        {
            return HealthCheckResult.Degraded($"SMTP relay unreachable ({error}); messages wait and are retried; {queue}");
        }

        // The relay answers again: whatever waits goes out at its next attempt.
        return HealthCheckResult.Healthy(status.CurrentFailure is { } failure
            ? $"SMTP relay reachable (the last send failed at {failure.At:O}); {queue}"
            : $"SMTP relay reachable; {queue}");
    }

    private async Task<string?> ProbeAsync(SmtpEmailTransport smtp, CancellationToken cancellationToken)
    {
        await probing.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (lastProbe is { } last && now - last.At < ProbeInterval)
            {
                return last.Error;
            }

            string? error = null;
            try
            {
                await smtp.ProbeAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex.GetType().Name;
            }

            lastProbe = (timeProvider.GetUtcNow(), error);
            return error;
        }
        finally
        {
            probing.Release();
        }
    }
}

/// <summary>
/// The document store answers (the bucket or the folder): a lookup of a key that does not exist. /health/ready is anonymous, so
/// the description names the kind of store only, never the bucket or its host (the logs have those).
/// </summary>
public sealed class DocumentStoreHealthCheck(Storage.EncryptedFileStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var kind = store.Blobs.IsShared ? "S3 bucket" : "local folder";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await store.ExistsAsync(Storage.EncryptedFileStore.NewStorageKey(), cancellationToken);
            return HealthCheckResult.Healthy($"{kind}, {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
        }
        catch (Storage.StorageUnavailableException)
        {
            return HealthCheckResult.Unhealthy($"{kind} did not answer");
        }
    }
}
