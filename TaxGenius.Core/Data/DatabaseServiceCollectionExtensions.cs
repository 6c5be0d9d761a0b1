using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace TaxGenius.Core.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers a pooled <see cref="IDbContextFactory{TContext}"/> of <see cref="TaxGeniusDbContext"/> for the chosen provider.
    /// Blazor circuits live for minutes, so components create a context per operation instead of holding a scoped one.
    /// A scoped <see cref="TaxGeniusDbContext"/> (from the same pool) serves Identity's stores in HTTP requests.
    /// </summary>
    public static IServiceCollection AddTaxGeniusDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddPooledDbContextFactory<PostgresTaxGeniusDbContext>((sp, o) =>
                    Strict(ConfigurePostgres(o, options.ConnectionString), options.StrictQueries).AddInterceptors(Interceptors(sp)));
                services.AddSingleton<IDbContextFactory<TaxGeniusDbContext>, DerivedContextFactory<PostgresTaxGeniusDbContext>>();
                break;
            case DatabaseProvider.Sqlite:
                services.AddPooledDbContextFactory<SqliteTaxGeniusDbContext>((sp, o) =>
                    Strict(ConfigureSqlite(o, options.ConnectionString), options.StrictQueries).AddInterceptors(Interceptors(sp)));
                services.AddSingleton<IDbContextFactory<TaxGeniusDbContext>, DerivedContextFactory<SqliteTaxGeniusDbContext>>();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        }

        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>With <see cref="DatabaseOptions.StrictQueries"/>, the query warnings that mean a slow or unordered query throw.</summary>
    private static DbContextOptionsBuilder Strict(DbContextOptionsBuilder builder, bool strict) =>
        strict
            ? builder.ConfigureWarnings(w => w.Throw(
                RelationalEventId.MultipleCollectionIncludeWarning,
                CoreEventId.RowLimitingOperationWithoutOrderByWarning,
                CoreEventId.FirstWithoutOrderByAndFilterWarning,
                CoreEventId.DistinctAfterOrderByWithoutRowLimitingOperatorWarning))
            : builder;

    /// <summary>Timestamps first, then whatever the app registered (cache invalidation).</summary>
    private static IInterceptor[] Interceptors(IServiceProvider sp) =>
        [new TimestampInterceptor(sp.GetRequiredService<TimeProvider>()), .. sp.GetServices<ISaveChangesInterceptor>()];

    /// <summary>
    /// PostgreSQL, with the provider's retry strategy: a restart makes every pooled connection fail once (57P01) and a short outage
    /// refuses new ones; each operation is tried again with back-off before its caller sees an error. Explicit transactions run
    /// inside <see cref="DatabaseRetries.InTransactionAsync{T}"/>, so a retry repeats the whole unit of work.
    /// </summary>
    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.EnableRetryOnFailure(
            DatabaseRetries.MaxRetryCount, DatabaseRetries.MaxRetryDelay, DatabaseRetries.ExtraTransientCodes));

    /// <summary>
    /// SQLite. EF Core warns at every table rebuild that it cannot run in a transaction; the initializer copies the file before an
    /// upgrade instead (<see cref="DatabaseInitializer"/>), so the warning would only bury the start-up output.
    /// </summary>
    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString).ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));

    /// <summary>A SQLite connection string for a file, with a busy timeout so concurrent writers wait instead of failing.</summary>
    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Cache = SqliteCacheMode.Default,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private sealed class DerivedContextFactory<TDerived>(IDbContextFactory<TDerived> inner) : IDbContextFactory<TaxGeniusDbContext>
        where TDerived : TaxGeniusDbContext
    {
        public TaxGeniusDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<TaxGeniusDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
