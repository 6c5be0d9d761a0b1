namespace TaxGenius.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Settings under <c>Database</c>; the connection strings are <c>ConnectionStrings:Postgres</c> and <c>ConnectionStrings:Sqlite</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Filled from configuration at start: PostgreSQL when its connection string is set, SQLite otherwise.</summary>
    public DatabaseProvider Provider { get; set; }

    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Apply pending migrations at start. Default: on for the embedded SQLite store, off for PostgreSQL
    /// (production applies them with <c>dotnet run --project TaxGenius.Web -- migrate</c>).
    /// </summary>
    public bool? AutoMigrate { get; set; }

    public bool ShouldAutoMigrate => AutoMigrate ?? Provider == DatabaseProvider.Sqlite;

    /// <summary>
    /// Turns EF Core's warnings about a query that is slow or returns rows in no particular order (several collections joined in one
    /// query, a row limit or First without ORDER BY) into exceptions. Off by default, where they are log lines; the tests turn it
    /// on, so such a query fails a test instead of warning in a console nobody reads.
    /// </summary>
    public bool StrictQueries { get; set; }
}
