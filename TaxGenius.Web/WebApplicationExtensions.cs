using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;
using TaxGenius.Core.Common;
using TaxGenius.Core;
using TaxGenius.Core.Data;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Web.Components;
using TaxGenius.Web.Components.Account;
using TaxGenius.Web.Endpoints;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web;

public static class WebApplicationExtensions
{
    /// <summary>The web layer: Blazor Server with MudBlazor, cookie sign-in, the role policies, Identity's e-mails.</summary>
    public static IHostApplicationBuilder AddTaxGeniusWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        // The default scheme picks: an API token when the request has "Authorization: Bearer", else Identity's cookie.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = ApiTokenAuthentication.PolicyScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddApiTokens()
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "TaxGenius.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Made Secure outside Development by the cookie policy (SecurityHeaders), like every other cookie.
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TaxGenius.Core.Sessions.SessionService.IdleTimeout;
            options.SlidingExpiration = true;
            // Each cookie names a server-side session: created at sign-in, checked per request, revoked at sign-out.
            SessionCookieEvents.Apply(options.Events);
            // The JSON API answers 401/403; pages are redirected to sign-in or access denied.
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        // Role changes, locks and deactivations replace the security stamp; sessions notice within this interval.
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityStampValidatorOptions>().Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>(
            (o, security) => o.ValidationInterval = security.Value.RevalidationInterval);
        services.Configure<SecurityStampValidatorOptions>(SessionCookieEvents.KeepSessionOnRefresh);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Client, p => p.RequireAuthenticatedUser().RequireRole(Roles.Client))
            .AddPolicy(Policies.Referrer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Referrer))
            // Staff reach customer data: their policies also require multi-factor (an enrolled authenticator or a passkey sign-in, StaffMfa).
            .AddPolicy(Policies.Preparer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Preparer).RequireAssertion(c => StaffMfa.HasEnrolled(c.User)))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin).RequireAssertion(c => StaffMfa.HasEnrolled(c.User)))
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().RequireRole(Policies.StaffRoles).RequireAssertion(c => StaffMfa.HasEnrolled(c.User)));

        // Only Identity's SignInManager reads the current request through it; interactive components use CircuitClient.
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitClient>();
        services.AddScoped<ThemeChoice>();
        services.AddScoped<LocalTime>();
        services.AddScoped<DatabaseErrors>();
        services.AddScoped<TaxGenius.Web.Infrastructure.Live.LiveClient>();
        // No "Server: Kestrel" header: nothing to tell a scanner.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        // Outside Development only the configured public host (and loopback, for health probes) is served: a request naming another host
        // is refused before it reaches the app.
        if (!builder.Environment.IsDevelopment() && builder.Configuration["AllowedHosts"] is null or "*"
            && builder.Configuration.GetSection(TaxGeniusOptions.Section).Get<TaxGeniusOptions>()?.PublicBaseUri is { } publicBase)
        {
            services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o =>
                o.AllowedHosts = [publicBase.IdnHost, "localhost", "127.0.0.1", "[::1]"]);
        }
        services.AddTaxGeniusHealthChecks(builder.Configuration);
        services.AddTaxGeniusJobs(builder.Configuration);

        // The key ring that protects cookies and antiforgery tokens lives in the database: it survives restarts and
        // every instance behind the load balancer reads the same keys (not Redis, whose evictions would sign everyone out).
        // Each key's secret part is encrypted with DataProtection:Keys (configuration, not the database): a copy of the database alone
        // cannot forge a cookie or a reset link.
        services.AddDataProtection().SetApplicationName("TaxGenius").PersistKeysToDbContext<TaxGeniusDbContext>();
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<SecretProtector>((options, protector) => options.XmlEncryptor = new KeyRingXmlEncryptor(protector));
        services.AddProblemDetails();
        // A body or parameter the API cannot read is a 400 in every environment, answered by ApiProblemDetailsMiddleware with what
        // to send. (Development would otherwise throw, and its exception page echoes the request's headers, cookies included.)
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        // A US firm's portal: dates, numbers and amounts are written the American way, whatever the server's locale.
        services.AddRequestLocalization(o =>
        {
            o.SetDefaultCulture("en-US");
            o.AddSupportedCultures("en-US");
            o.AddSupportedUICultures("en-US");
            o.RequestCultureProviders.Clear();
        });
        services.AddTaxGeniusOpenApi();
        // Scripts (the upload page's XHR, API clients) send the antiforgery token in this header.
        services.AddAntiforgery(o => o.HeaderName = "X-CSRF-TOKEN");
        services.AddTaxGeniusCookiePolicy(builder.Environment);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        return builder;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        // The API and the live hub answer 401/403 to scripts; only pages redirect to the sign-in form.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Checks every validated setting now, before anything reads one, and throws one
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing every failure: a new server missing its database,
    /// its three key rings and its public address hears of all five at the first start, not one per restart. With
    /// <paramref name="databaseOnly"/>, only the database's (Production refuses the embedded SQLite file before it is created).
    /// </summary>
    public static void ValidateTaxGeniusSettings(this IHost app, bool databaseOnly = false)
    {
        if (databaseOnly)
        {
            _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
            return;
        }

        try
        {
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch (AggregateException all) when (all.InnerExceptions.All(e => e is Microsoft.Extensions.Options.OptionsValidationException))
        {
            throw new SettingsInvalidException(all.InnerExceptions.Cast<Microsoft.Extensions.Options.OptionsValidationException>().SelectMany(e => e.Failures).ToList());
        }
    }

    /// <summary>Applies migrations where that is automatic (the embedded store), creates roles, seeds demo data outside Production.</summary>
    public static async Task InitializeTaxGeniusAsync(this WebApplication app)
    {
        if (app.Services.GetService<StartupNotices>() is { } notices)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TaxGenius.Startup");
            foreach (var notice in notices.All)
            {
                logger.StartupNotice(notice);
            }
        }

        if (app.Services.GetRequiredService<TaxGenius.Core.Storage.IBlobStore>() is TaxGenius.Core.Storage.LocalBlobStore local
            && app.Environment.WebRootPath is { } webRoot && local.Root.StartsWith(Path.GetFullPath(webRoot), StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Storage:Path points inside the web root; stored documents must live outside it.");
        }

        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
        // Uploads cut off when the last process died left temporaries; nothing is in flight yet, so they go now, not in an hour.
        try
        {
            await app.Services.GetRequiredService<TaxGenius.Core.Documents.DocumentStoreSweeper>().RemoveAbandonedWritesAtStartAsync(app.Lifetime.ApplicationStopping);
        }
        catch (TaxGenius.Core.Storage.StorageUnavailableException e)
        {
            // Start anyway: pages that need no document work, and the hourly sweep tries again.
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TaxGenius.Startup").StorageUnavailable("start", e.Message);
        }
        app.UseTaxGeniusRecurringJobs();
    }

    public static Task MigrateTaxGeniusDatabaseAsync(this WebApplication app) =>
        app.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();

    /// <summary>Re-encrypts every SSN and message body not under the active key; returns the process exit code (1 when rows are left undone).</summary>
    public static async Task<int> RotateSsnKeysAsync(this WebApplication app, TextWriter output)
    {
        var protector = app.Services.GetRequiredService<SsnProtector>();
        var result = await app.Services.GetRequiredService<SsnRotationService>().RotateAsync();
        output.WriteLine($"SSN key rotation to '{protector.ActiveKeyId}': {result.Rotated} re-encrypted, {result.Conflicts} still changing, " +
            $"{result.Failed} undecryptable (key missing from Ssn:Keys?), {result.Passes} pass(es).");
        // Message bodies share the key ring: rotated in the same run.
        var messages = await app.Services.GetRequiredService<TaxGenius.Core.Messaging.MessageRotationService>().RotateAsync();
        output.WriteLine($"Message bodies: {messages.Rotated} re-encrypted, {messages.Changed} changed meanwhile (already current), " +
            $"{messages.Failed} undecryptable.");
        await RecordCommandAsync(app, TaxGenius.Core.Audit.AuditActions.KeysRotated,
            $"ssn: to '{protector.ActiveKeyId}', {Plural.Of(result.Rotated, "SSN")} and {Plural.Of(messages.Rotated, "message")} re-encrypted, {result.Failed + messages.Failed} failed");
        return result.Conflicts == 0 && result.Failed == 0 && messages.Failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Re-wraps every stored file's data key under Storage:ActiveKeyId (the header is rewritten, the content is not decrypted);
    /// returns the process exit code (1 when files are left under other keys).
    /// </summary>
    public static async Task<int> RotateStorageKeysAsync(this WebApplication app, TextWriter output)
    {
        var store = app.Services.GetRequiredService<TaxGenius.Core.Storage.EncryptedFileStore>();
        var result = await store.RewrapAllAsync(app.Lifetime.ApplicationStopping);
        output.WriteLine($"Storage key rotation ({store.Blobs.Description}): {Plural.Of(result.Rewrapped, "file")} re-wrapped, {result.Current} already current, " +
            $"{result.Failed} failed (master key missing from Storage:MasterKeys, or the file is damaged).");
        await RecordCommandAsync(app, TaxGenius.Core.Audit.AuditActions.KeysRotated,
            $"storage: {Plural.Of(result.Rewrapped, "file")} re-wrapped, {result.Current} already current, {result.Failed} failed");
        return result.Failed == 0 ? 0 : 1;
    }

    /// <summary>Records an operator command's outcome in the audit log (a system entry).</summary>
    private static Task RecordCommandAsync(WebApplication app, string action, string detail) =>
        app.Services.GetRequiredService<TaxGenius.Core.Audit.AuditLog>().WriteAsync(new TaxGenius.Core.Audit.AuditActor(Guid.Empty, "system (command line)", null),
            action, "command", null, null, detail, app.Lifetime.ApplicationStopping);

    /// <summary>Verifies the audit log's hash chain; returns the process exit code (1 when it is broken).</summary>
    public static async Task<int> VerifyAuditChainAsync(this WebApplication app, TextWriter output)
    {
        var report = await app.Services.GetRequiredService<TaxGenius.Core.Audit.AuditChain>().VerifyAsync(null, app.Lifetime.ApplicationStopping);
        output.WriteLine($"Audit chain: {report.Summary}");
        return report.Intact ? 0 : 1;
    }

    /// <summary>The value after <paramref name="name"/> on the command line (<c>--to DIR</c>), or null.</summary>
    private static string? ArgumentAfter(string[] args, string name) =>
        args.SkipWhile(a => !string.Equals(a, name, StringComparison.OrdinalIgnoreCase)).Skip(1).FirstOrDefault();

    /// <summary><c>seed-benchmark --clients N [--seed S]</c>: the demo accounts, then a firm of N clients; returns the process exit code.</summary>
    public static async Task<int> SeedBenchmarkFirmAsync(this WebApplication app, string[] args, TextWriter output)
    {
        string? Argument(string name) => ArgumentAfter(args, name);
        if (!int.TryParse(Argument("--clients"), System.Globalization.CultureInfo.InvariantCulture, out var clients) || clients is < 1 or > 10_000_000
            || (Argument("--seed") is { } seedText && !int.TryParse(seedText, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            output.WriteLine("Usage: seed-benchmark --clients <1 to 10000000> [--seed <number>]");
            return 2;
        }

        if (app.Environment.IsProduction())
        {
            output.WriteLine("seed-benchmark refuses to run in Production: it writes thousands of made-up clients into the database.");
            return 2;
        }

        var initializer = app.Services.GetRequiredService<TaxGenius.Core.Data.DatabaseInitializer>();
        if (!initializer.DemoEnabled)
        {
            output.WriteLine("seed-benchmark builds the firm around the demo accounts: set Demo:Enabled=true (Demo__Enabled=true).");
            return 2;
        }

        await app.InitializeTaxGeniusAsync();
        var seed = Argument("--seed") is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : TaxGenius.Core.Demo.DemoFirmSeeder.DefaultSeed;
        await using var scope = app.Services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<TaxGenius.Core.Demo.DemoFirmSeeder>().SeedBenchmarkAsync(clients, seed,
            progress: done => output.WriteLine($"  {done:N0} clients written"), cancellationToken: app.Lifetime.ApplicationStopping);
        output.WriteLine($"Benchmark firm: {summary.Clients:N0} clients, {summary.Engagements:N0} engagements, {summary.Documents:N0} documents, " +
            $"{summary.Referrals:N0} referrals, {summary.Messages:N0} messages, {summary.AuditEntries:N0} audit entries in {summary.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    /// <summary><c>backup --to DIR</c> or <c>restore --from DIR</c>; returns the process exit code.</summary>
    public static async Task<int> BackupOrRestoreAsync(this WebApplication app, string[] args, TextWriter output)
    {
        var backups = app.Services.GetRequiredService<TaxGenius.Core.Backups.BackupService>();
        string? Argument(string name) => ArgumentAfter(args, name);
        if (args.Contains("backup", StringComparer.OrdinalIgnoreCase))
        {
            if (Argument("--to") is not { } to)
            {
                output.WriteLine("Usage: backup --to <empty folder>");
                return 2;
            }

            var result = await backups.BackupAsync(to, app.Lifetime.ApplicationStopping);
            output.WriteLine($"Backup in {Path.GetFullPath(to)}: the database and {Plural.Of(result.Objects, "stored file")}, {result.ObjectBytes} bytes. " +
                "No key is in it: keep Storage:MasterKeys, Ssn:Keys and DataProtection:Keys safe separately.");
            if (!result.Succeeded)
            {
                output.WriteLine($"Deleted while the backup ran: {Plural.Of(result.Missing.Count, "file")}; run it again for a consistent copy.");
                return 1;
            }

            // The compliance page shows the last backup's age from this entry (the folder's name, never its contents).
            await RecordCommandAsync(app, TaxGenius.Core.Audit.AuditActions.BackupCompleted,
                $"database and {Plural.Of(result.Objects, "stored file")}, {result.ObjectBytes} bytes, in {Path.GetFileName(Path.GetFullPath(to).TrimEnd(Path.DirectorySeparatorChar))}");
            return 0;
        }

        if (Argument("--from") is not { } from)
        {
            output.WriteLine("Usage: restore --from <backup folder>");
            return 2;
        }

        var restored = await backups.RestoreAsync(from, app.Lifetime.ApplicationStopping);
        output.WriteLine(restored.Succeeded
            ? $"Restored the database and {Plural.Of(restored.Objects, "stored file")}. Start the app with the same keys as the backed-up installation."
            : $"Nothing restored: {restored.Error}");
        return restored.Succeeded ? 0 : 1;
    }

    public static WebApplication UseTaxGenius(this WebApplication app)
    {
        app.UseTaxGeniusForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseTaxGeniusSecurityHeaders();
        app.UseMiddleware<DatabaseUnavailableMiddleware>();
        app.UseRequestLocalization();

        // Development without TaxGenius:PublicBaseUrl: e-mailed links use the address the server listens on (never a request's Host).
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                    .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
            {
                app.Services.GetRequiredService<PublicUrls>().UseServerAddress(address);
            }
        });
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            // The JSON API (and the live hub) answer with their own status codes and ProblemDetails, never with the HTML not-found page.
            if ((context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs")) && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<ApiProblemDetailsMiddleware>());
        app.UseAuthentication();
        // Before authorization: anonymous requests and failed bearer tokens are counted (per IP) as well as signed-in ones (per user).
        app.UseTaxGeniusRateLimiting();
        app.UseMiddleware<StaffMfaEnforcementMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<StaleFormMiddleware>();
        return app;
    }

    public static WebApplication MapTaxGenius(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        // The live hub: signed-in users only ([Authorize] on the hub, cookie scheme); each sees only its own groups.
        app.MapHub<TaxGenius.Core.Live.LiveHub>(TaxGenius.Core.Live.LiveHub.Path);
        // The page policy (SecurityHeaders) carries frame-ancestors with the rest; Blazor would otherwise send its own CSP header.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null)
            // Pages declare their own policy ([Authorize(Policy = …)] or [AllowAnonymous]); Blazor's own endpoints (the circuit hub,
            // its negotiation, the redirect helper) serve signed-out visitors too and say so explicitly.
            .Add(endpoint =>
            {
                if (!endpoint.Metadata.OfType<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>().Any())
                {
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
                }
                else
                {
                    // Pages answer HEAD like GET, without the body (RFC 9110): uptime monitors and link checkers that send HEAD got 405.
                    endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head, HttpMethods.Post]));
                }
            });
        app.MapAdditionalIdentityEndpoints();
        app.MapTaxGeniusHealth();
        app.MapReferralLink();
        app.MapGroup("/api").MapMeEndpoints().MapDocumentEndpoints().MapStaffDocumentEndpoints().MapReferralEndpoints().MapAdminEndpoints().MapComplianceEndpoints()
            .MapUserApiEndpoints();
        app.MapTaxGeniusApiDocumentation();
        app.MapTaxGeniusJobsDashboard();
        return app;
    }
}
