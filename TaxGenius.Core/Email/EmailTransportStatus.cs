namespace TaxGenius.Core.Email;

/// <summary>
/// What this instance last saw of the mail transport: the time of the last delivered and the last failed send, and why it
/// failed. The readiness check reports the transport as degraded while the latest attempt failed.
/// </summary>
public sealed class EmailTransportStatus
{
    private readonly Lock gate = new();
    private DateTime? lastSuccess;
    private DateTime? lastFailure;
    private string? lastError;

    public void Succeeded(DateTime at)
    {
        lock (gate)
        {
            if (lastSuccess is null || at > lastSuccess)
            {
                lastSuccess = at;
            }
        }
    }

    public void Failed(DateTime at, string error)
    {
        lock (gate)
        {
            if (lastFailure is null || at > lastFailure)
            {
                lastFailure = at;
                lastError = error;
            }
        }
    }

    /// <summary>The last failure, when it is newer than the last success; null while sends go through.</summary>
    public (DateTime At, string Error)? CurrentFailure
    {
        get
        {
            lock (gate)
            {
                return lastFailure is { } failure && (lastSuccess is null || failure > lastSuccess) ? (failure, lastError ?? "") : null;
            }
        }
    }
}
