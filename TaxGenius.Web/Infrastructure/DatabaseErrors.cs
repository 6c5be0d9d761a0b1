using MudBlazor;
using TaxGenius.Core.Data;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Runs an interactive page's action so that a database that cannot be reached (restarting, or down for a while, after the
/// provider's own retries) ends in a snackbar that says so, and the page stays as it was, alive, ready for the next click.
/// Any other error still propagates to the layout's error boundary.
/// </summary>
public sealed class DatabaseErrors(ISnackbar snackbar, ILogger<DatabaseErrors> logger)
{
    public const string Message = "We could not reach the database. Nothing was changed; please try again in a moment.";

    /// <summary>Runs <paramref name="action"/>; returns false (after telling the user) when the database could not be reached.</summary>
    public async Task<bool> RunAsync(Func<Task> action, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (DatabaseRetries.IsUnavailable(ex))
        {
            Report(ex, operation);
            return false;
        }
    }

    /// <summary>Tells the user (once per burst: repeated failures share one snackbar) and logs the kind of failure.</summary>
    public void Report(Exception exception, string operation)
    {
        ArgumentNullException.ThrowIfNull(exception);
        logger.DatabaseUnavailable(operation, exception.GetType().Name);
        snackbar.Add(Message, Severity.Error, o => o.VisibleStateDuration = 8000, key: "database-unavailable");
    }
}
