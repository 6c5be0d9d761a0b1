namespace TaxGenius.Core.Email;

/// <summary>Hangfire queue names. Workers take "critical" (password resets) before "default".</summary>
public static class JobQueues
{
    public const string Critical = "critical";
    public const string Default = "default";

    public static readonly string[] All = [Critical, Default];

    /// <summary>The PostgreSQL schema Hangfire keeps its queues, jobs and locks in (the backup leaves its lock rows out).</summary>
    public const string Schema = "hangfire";
}
