using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Compliance;
using TaxGenius.Core.Dashboards;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Live;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Signatures;
using TaxGenius.Core.RateLimiting;
using TaxGenius.Core.Referrals;
using TaxGenius.Core.Security;
using TaxGenius.Core.Storage;
using TaxGenius.Core.Users;

namespace TaxGenius.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything the app needs that is not web, one feature folder at a time. Options are bound and validated at start; only
    /// Development falls back to generated keys (<see cref="DevelopmentKeys"/>).
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusCore(this IHostApplicationBuilder builder)
    {
        var paths = builder.AddTaxGeniusFoundation();
        builder.AddTaxGeniusData(paths);
        builder.AddTaxGeniusCaching();
        builder.AddTaxGeniusLive();
        builder.Services.AddTaxGeniusRateLimitCounters(builder.Configuration);
        builder.AddTaxGeniusIdentity();
        builder.Services.AddTaxGeniusSsnProtection(builder.Configuration);
        builder.AddTaxGeniusEmail(paths);
        builder.AddTaxGeniusAudit();
        builder.AddTaxGeniusDocumentStore(paths);
        builder.AddTaxGeniusDocuments();
        builder.AddTaxGeniusEngagements();
        builder.AddTaxGeniusMessaging();
        builder.AddTaxGeniusSignatures();
        builder.AddTaxGeniusReferrals();
        builder.AddTaxGeniusUsers();
        builder.AddTaxGeniusDashboards();
        builder.AddTaxGeniusCompliance();
        builder.AddTaxGeniusDemo();
        return builder;
    }

    /// <summary>
    /// The clock, <see cref="TaxGeniusOptions"/> (validated: the public base URL outside Development), the data folder, the development
    /// keys (Development only), the public URLs and the start-up notices. Returns the data folder's paths.
    /// </summary>
    public static TaxGeniusPaths AddTaxGeniusFoundation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TaxGeniusOptions>().Bind(builder.Configuration.GetSection(TaxGeniusOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TaxGeniusOptions>, TaxGeniusOptionsValidator>();
        var taxGenius = builder.Configuration.GetSection(TaxGeniusOptions.Section).Get<TaxGeniusOptions>() ?? new TaxGeniusOptions();
        var paths = new TaxGeniusPaths(Path.Combine(builder.Environment.ContentRootPath, taxGenius.DataPath));
        services.AddSingleton(paths);
        DevelopmentKeys.FillEmptyRings(builder.Configuration, builder.Environment, paths, StartupNotices.From(services));
        services.AddSingleton<PublicUrls>();
        return paths;
    }

    /// <summary>
    /// The database: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, otherwise the embedded SQLite file (refused in
    /// Production), and what runs at start (migrations where automatic, roles, demo data).
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusData(this IHostApplicationBuilder builder, TaxGeniusPaths paths)
    {
        var database = ResolveDatabase(builder.Configuration, paths);

        // Checked with every other setting before anything runs (nothing opens the database before), so a server missing several
        // hears of them all at once.
        var production = builder.Environment.IsProduction();
        builder.Services.AddOptions<DatabaseOptions>().Configure(o =>
        {
            o.Provider = database.Provider;
            o.ConnectionString = database.ConnectionString;
            o.AutoMigrate = database.AutoMigrate;
            o.StrictQueries = database.StrictQueries;
        }).Validate(o => !production || o.Provider == DatabaseProvider.Postgres,
            "ConnectionStrings:Postgres (environment variable ConnectionStrings__Postgres) is required in Production. " +
            "The embedded SQLite store is a development default.").ValidateOnStart();
        builder.Services.AddTaxGeniusDatabase(database);
        builder.Services.AddSingleton<DatabaseInitializer>();
        return builder;
    }

    private static DatabaseOptions ResolveDatabase(IConfiguration configuration, TaxGeniusPaths paths)
    {
        var section = configuration.GetSection(DatabaseOptions.Section);
        var autoMigrate = section.GetValue<bool?>(nameof(DatabaseOptions.AutoMigrate));
        var strict = section.GetValue<bool>(nameof(DatabaseOptions.StrictQueries));
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = postgres, AutoMigrate = autoMigrate, StrictQueries = strict };
        }

        var sqlite = configuration.GetConnectionString("Sqlite");
        return new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = string.IsNullOrWhiteSpace(sqlite) ? DatabaseServiceCollectionExtensions.SqliteConnectionString(paths.DatabaseFile) : sqlite,
            AutoMigrate = autoMigrate,
            StrictQueries = strict,
        };
    }
}
