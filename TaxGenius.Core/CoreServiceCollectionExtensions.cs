using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Microsoft.EntityFrameworkCore.Diagnostics;
using TaxGenius.Core.Caching;
using TaxGenius.Core.Dashboards;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Security;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything the app needs that is not web: options, the database (PostgreSQL when <c>ConnectionStrings:Postgres</c> is set,
    /// otherwise the embedded SQLite file), Identity's stores and rules, the cache (Redis when <c>ConnectionStrings:Redis</c> is set),
    /// e-mail (SMTP when <c>Email:Smtp:Host</c> is set, otherwise the outbox folder) and the feature services.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<TaxGeniusOptions>().Bind(configuration.GetSection(TaxGeniusOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TaxGeniusOptions>, TaxGeniusOptionsValidator>();
        var taxGenius = configuration.GetSection(TaxGeniusOptions.Section).Get<TaxGeniusOptions>() ?? new TaxGeniusOptions();
        var paths = new TaxGeniusPaths(Path.Combine(builder.Environment.ContentRootPath, taxGenius.DataPath));
        services.AddSingleton(paths);
        // Development only: empty key rings get a generated development key (every other environment must configure them).
        DevelopmentKeys.FillEmptyRings(builder.Configuration, builder.Environment, paths, StartupNotices.From(services));

        var database = ResolveDatabase(configuration, paths);
        if (builder.Environment.IsProduction() && database.Provider != DatabaseProvider.Postgres)
        {
            throw new OptionsValidationException(nameof(DatabaseOptions), typeof(DatabaseOptions),
            [
                "ConnectionStrings:Postgres (environment variable ConnectionStrings__Postgres) is required in Production. " +
                "The embedded SQLite store is a development default.",
            ]);
        }

        services.AddOptions<DatabaseOptions>().Configure(o =>
        {
            o.Provider = database.Provider;
            o.ConnectionString = database.ConnectionString;
            o.AutoMigrate = database.AutoMigrate;
        });
        services.AddTaxGeniusDatabase(database);

        services.AddIdentityCore<ApplicationUser>(IdentityConfiguration.Configure)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<TaxGeniusDbContext>()
            .AddSignInManager<TaxGeniusSignInManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(SingleUseAuthenticatorTokenProvider.ProviderName)
            .AddClaimsPrincipalFactory<TaxGeniusClaimsPrincipalFactory>();
        // Authenticator keys and recovery codes are encrypted at rest (see SecretProtector).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<ApplicationUser>, ProtectedTokenUserStore>());
        services.AddOptions<DataProtectionKeyOptions>().Bind(configuration.GetSection(DataProtectionKeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DataProtectionKeyOptions>, DataProtectionKeyOptionsValidator>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SecretsAtRestUpgrade>();

        AddCache(services, configuration);

        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new OutboxFolder(paths.Outbox));
        var email = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        if (email.UseSmtp)
        {
            services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        }
        else
        {
            services.AddSingleton<IEmailTransport, OutboxEmailTransport>();
        }

        services.AddSingleton<EmailService>();
        services.AddTaxGeniusEmailTemplates();
        services.AddSingleton<EmailQueue>();
        services.AddSingleton<EmailDispatchSignal>();
        services.AddTransient<EmailDeliveryJob>();
        services.AddSingleton<PublicUrls>();

        services.AddSingleton<TaxGeniusCache>();
        services.AddSingleton<Settings.FirmSettingsService>();
        services.AddSingleton<ISaveChangesInterceptor, CacheInvalidationInterceptor>();
        services.AddSingleton<TaxGenius.Core.Audit.AuditLog>();
        services.AddOptions<TaxGenius.Core.Referrals.ReferralOptions>().Bind(configuration.GetSection(TaxGenius.Core.Referrals.ReferralOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TaxGenius.Core.Referrals.ReferralService>();
        services.AddSingleton<TaxGenius.Core.Referrals.PayoutService>();
        services.AddSingleton<TaxGenius.Core.Referrals.ReferralConversions>();
        services.AddSingleton<DocumentStatusService>();
        services.AddSingleton<StaffDocumentService>();
        services.AddScoped<TaxGenius.Core.Security.SsnRevealService>();
        services.AddSingleton<ReviewQueueService>();
        services.AddSingleton<TaxGenius.Core.Sessions.SessionService>();
        services.AddSingleton<TaxGenius.Core.Users.UserAdminService>();
        services.AddSingleton<TaxGenius.Core.Users.UserApiService>();
        services.AddSingleton<TaxGenius.Core.ApiTokens.ApiTokenService>();
        services.AddSingleton<TaxGenius.Core.Audit.AuditQueryService>();
        services.AddSingleton<AdminDashboardService>();
        builder.AddTaxGeniusDocumentStore(paths);

        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section));
        services.AddScoped<DemoDataSeeder>();
        services.AddSingleton<DatabaseInitializer>();

        services.AddScoped<AccountRegistrationService>();
        services.AddScoped<AccountEmails>();
        services.AddSingleton<Reauthentication>();
        services.AddSingleton<RoleHomeService>();
        services.AddSingleton<ProfileService>();
        services.AddTaxGeniusSsnProtection(configuration);
        return builder;
    }

    private static DatabaseOptions ResolveDatabase(IConfiguration configuration, TaxGeniusPaths paths)
    {
        var section = configuration.GetSection(DatabaseOptions.Section);
        var autoMigrate = section.GetValue<bool?>(nameof(DatabaseOptions.AutoMigrate));
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = postgres, AutoMigrate = autoMigrate };
        }

        var sqlite = configuration.GetConnectionString("Sqlite");
        return new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = string.IsNullOrWhiteSpace(sqlite) ? DatabaseServiceCollectionExtensions.SqliteConnectionString(paths.DatabaseFile) : sqlite,
            AutoMigrate = autoMigrate,
        };
    }

    private static void AddCache(IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddDistributedMemoryCache();
            services.AddSingleton<IDocumentEvents, LocalDocumentEvents>();
            return;
        }

        services.AddSingleton<IDocumentEvents>(sp => new RedisDocumentEvents(
            sp.GetRequiredService<IConnectionMultiplexer>(), RedisKeys.Prefix(configuration), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LocalDocumentEvents>>()));

        // One multiplexer for the whole process. AbortOnConnectFail=false: the app starts, and keeps serving, while Redis is away;
        // FailFast: while disconnected, commands fail at once (callers fall back to the database) instead of queueing.
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false;
        redisOptions.BacklogPolicy = BacklogPolicy.FailFast;
        redisOptions.ConnectTimeout = Math.Min(redisOptions.ConnectTimeout, 3000);
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        var prefix = RedisKeys.Prefix(configuration);
        services.AddStackExchangeRedisCache(o => o.InstanceName = prefix);
        services.AddOptions<RedisCacheOptions>().Configure<IConnectionMultiplexer>((o, multiplexer) =>
            o.ConnectionMultiplexerFactory = () => Task.FromResult(multiplexer));
    }
}
