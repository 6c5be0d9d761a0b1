using System.ComponentModel.DataAnnotations;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Common;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;

namespace TaxGenius.Web.Infrastructure;

/// <summary>Settings under <c>Jobs</c>: Hangfire workers in the web process.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run workers in this instance. Turn off on instances that should only serve pages.</summary>
    public bool ServerEnabled { get; set; } = true;

    [Range(1, 100)]
    public int WorkerCount { get; set; } = Math.Min(20, Environment.ProcessorCount * 5);

    /// <summary>How often delayed jobs (retries with backoff) are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal static class Jobs
{
    public const string DashboardPath = "/admin/jobs";

    /// <summary>The hour (UTC) the audit chain is verified every night.</summary>
    public const int ChainCheckHourUtc = 3;

    /// <summary>
    /// Hangfire on PostgreSQL (its own "hangfire" schema) in production, in memory in the embedded default.
    /// The storage is built here and registered in DI, so several app instances in one process (tests) never
    /// share Hangfire's static JobStorage.Current.
    /// </summary>
    public static IServiceCollection AddTaxGeniusJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var postgres = configuration.GetConnectionString("Postgres");

        services.AddSingleton<JobStorage>(_ => string.IsNullOrWhiteSpace(postgres)
            ? new InMemoryStorage(new InMemoryStorageOptions())
            : new PostgreSqlStorage(new NpgsqlConnectionFactory(HangfireConnectionString(postgres), PostgresOptions), PostgresOptions));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            // The dashboard is a page of the admin portal too: its contrast and labels brought to WCAG AA (embedded, no inline code).
            .UseDashboardStylesheet(typeof(JobsOptions).Assembly, "TaxGenius.Web.Dashboard.hangfire-accessible.css")
            .UseDashboardJavaScript(typeof(JobsOptions).Assembly, "TaxGenius.Web.Dashboard.hangfire-accessible.js")
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        if (options.ServerEnabled)
        {
            // On shutdown Kestrel waits for open connections (Blazor circuits) for up to the host's whole shutdown timeout; stopped
            // one after another, the job server would then get an already-cancelled token and stop with an exception instead of
            // letting its running jobs finish. Stopped side by side, each has the full timeout.
            services.Configure<HostOptions>(host => host.ServicesStopConcurrently = true);
            services.AddHangfireServer((sp, server) =>
            {
                server.WorkerCount = options.WorkerCount;
                server.Queues = JobQueues.All;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                // Jobs are built from this app's container, never from Hangfire's process-wide default.
                server.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            });
            // Document recognition on its own workers: OCR takes a core each, so at most Recognition:Concurrency at once per instance,
            // and a long queue of photos never holds up e-mail.
            services.AddHangfireServer((sp, server) =>
            {
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:recognition";
                server.WorkerCount = sp.GetRequiredService<IOptions<TaxGenius.Core.Recognition.RecognitionOptions>>().Value.Concurrency;
                server.Queues = [TaxGenius.Core.Recognition.RecognitionQueue.Name];
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            });
        }

        return services;
    }

    /// <summary>
    /// Hangfire's own bookkeeping commits asynchronously (synchronous_commit=off on its connections only). Safe here:
    /// a lost enqueue is found again by the e-mail sweeper (the message row itself is committed durably), and a lost
    /// state change re-runs a job whose claim makes the second run a no-op.
    /// </summary>
    private static string HangfireConnectionString(string postgres)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
        builder.Options = string.Join(' ', new[] { builder.Options, "-c synchronous_commit=off" }.Where(o => !string.IsNullOrEmpty(o)));
        return builder.ConnectionString;
    }

    private static readonly PostgreSqlStorageOptions PostgresOptions = new()
    {
        SchemaName = JobQueues.Schema,
        PrepareSchemaIfNecessary = true,
        // LISTEN/NOTIFY wakes a worker when a job is enqueued; polling is only the fallback.
        EnableLongPolling = true,
        QueuePollInterval = TimeSpan.FromSeconds(5),
        UseSlidingInvisibilityTimeout = true,
    };

    public static void UseTaxGeniusRecurringJobs(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        // The safety net: whatever is due (a signal lost with a crashed process, a claim that ran out) goes out within a minute.
        recurring.AddOrUpdate<EmailDeliveryJob>("email-dispatch", JobQueues.Default, job => job.DispatchAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<TaxGenius.Core.Documents.DocumentStoreSweeper>("document-store-sweep", JobQueues.Default,
            job => job.SweepAsync(CancellationToken.None), Cron.Hourly());
        // Hourly, though at most one reminder per engagement and day goes out: a run missed by a restart is made up within the hour.
        recurring.AddOrUpdate<TaxGenius.Core.Engagements.ReminderService>("engagement-reminders", JobQueues.Default,
            job => job.SendDueAsync(CancellationToken.None), Cron.Hourly());
        // Signature requests: reminders 2 and 5 days after sending, and expiry; hourly like the engagement reminders.
        recurring.AddOrUpdate<TaxGenius.Core.Signatures.SignatureReminders>("signature-reminders", JobQueues.Default,
            job => job.RunAsync(CancellationToken.None), Cron.Hourly());
        // Unread messages: checked every minute, one e-mail per quiet period; the staff digest once a day.
        recurring.AddOrUpdate<TaxGenius.Core.Messaging.MessageNotifier>("message-notifications", JobQueues.Default,
            job => job.SendDueAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<TaxGenius.Core.Recognition.RecognitionService>("recognition-sweep", JobQueues.Default,
            job => job.SweepAsync(CancellationToken.None), Cron.Minutely());
        // The audit log's hash chain: new entries sealed every minute, the whole chain verified every night (the result is audited).
        recurring.AddOrUpdate<TaxGenius.Core.Audit.AuditChain>("audit-chain-seal", JobQueues.Default, job => job.SealAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<TaxGenius.Core.Audit.AuditChain>("audit-chain-verify", JobQueues.Default,
            job => job.VerifyAsync(null, CancellationToken.None), Cron.Daily(ChainCheckHourUtc));
        // Retention: on the 1st of each month, finish any disposal a crash interrupted and propose the clients now due.
        recurring.AddOrUpdate<TaxGenius.Core.Compliance.Retention.RetentionService>("retention-proposals", JobQueues.Default,
            job => job.RunMonthlyAsync(CancellationToken.None), Cron.Monthly(1, 4));
        var digestHour = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TaxGenius.Core.Messaging.MessagingOptions>>().Value.DigestHourUtc;
        recurring.AddOrUpdate<TaxGenius.Core.Messaging.MessageNotifier>("message-digest", JobQueues.Default,
            job => job.SendDigestAsync(CancellationToken.None), Cron.Daily(digestHour));
    }

    /// <summary>The dashboard at /admin/jobs: ADMIN only, for page navigation and plain HTTP requests alike.</summary>
    public static void MapTaxGeniusJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            AsyncAuthorization = [],
            AppPath = "/admin",
            DashboardTitle = "TaxGenius background jobs",
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(Policies.Admin);
    }

    private sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User is { Identity.IsAuthenticated: true } user && user.IsInRole(Roles.Admin);
    }
}

/// <summary>
/// Hangfire's logging into ASP.NET Core logging. Hangfire keeps its log provider process-wide; when several app instances
/// share a process (tests) and one is disposed, its logger factory must not take the others' background work down.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name) => new ForwardingLog(loggerFactory, name);

    private sealed class ForwardingLog(ILoggerFactory factory, string name) : Hangfire.Logging.ILog
    {
        private ILogger? logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    Hangfire.Logging.LogLevel.Trace => LogLevel.Trace,
                    Hangfire.Logging.LogLevel.Debug => LogLevel.Debug,
                    Hangfire.Logging.LogLevel.Info => LogLevel.Information,
                    Hangfire.Logging.LogLevel.Warn => LogLevel.Warning,
                    Hangfire.Logging.LogLevel.Error => LogLevel.Error,
                    _ => LogLevel.Critical,
                };
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

                if (logger.IsEnabled(level))
                {
                    logger.Hangfire(level, exception, messageFunc());
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}

/// <summary>Hangfire's storage answers (part of /health/ready).</summary>
internal sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"{storage.GetType().Name}, {Plural.Of(servers, "server")}"));
        }
        catch (Exception ex)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "Hangfire storage does not answer.", ex));
        }
    }
}
