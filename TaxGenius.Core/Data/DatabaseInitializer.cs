using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Data;

/// <summary>Runs at start: applies migrations where that is automatic, creates the roles, seeds demo data outside Production.</summary>
public sealed class DatabaseInitializer(
    IServiceProvider services,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<DemoOptions> demoOptions,
    IOptions<BootstrapOptions> bootstrapOptions,
    TaxGeniusPaths paths,
    IHostEnvironment environment,
    ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Asking a new database for its applied migrations would log a failed query: look for the history table first.
        var history = db.GetService<IHistoryRepository>();
        var before = await history.ExistsAsync(cancellationToken) ? (await history.GetAppliedMigrationsAsync(cancellationToken)).Count : 0;
        if (before > 0 && databaseOptions.Value.Provider == DatabaseProvider.Sqlite)
        {
            await BackUpSqliteAsync(db, cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        var after = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Count();
        DataLog.Migrated(logger, databaseOptions.Value.Provider, after - before);
    }

    /// <summary>
    /// SQLite rebuilds a changed table with foreign keys off, which cannot run in a transaction: an upgrade killed halfway would leave
    /// the file half-migrated. So before an upgrade applies anything, the file is copied (SQLite's online backup) next to itself.
    /// </summary>
    private async Task BackUpSqliteAsync(TaxGeniusDbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0 || db.Database.GetDbConnection() is not SqliteConnection { DataSource: { Length: > 0 } file } connection)
        {
            return;
        }

        var backup = $"{file}.before-{pending[^1]}.bak";
        await connection.OpenAsync(cancellationToken);
        try
        {
            await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backup, Pooling = false }.ToString());
            await target.OpenAsync(cancellationToken);
            connection.BackupDatabase(target);
        }
        finally
        {
            await connection.CloseAsync();
        }

        DataLog.BackedUp(logger, backup, pending.Count);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (databaseOptions.Value.ShouldAutoMigrate)
        {
            if (databaseOptions.Value.Provider == DatabaseProvider.Sqlite)
            {
                Directory.CreateDirectory(paths.DataPath);
            }

            await MigrateAsync(cancellationToken);
        }

        // Before anything reads them: keys and secrets an older version stored in clear are encrypted now.
        await services.GetRequiredService<Security.SecretsAtRestUpgrade>().RunAsync(cancellationToken);

        await using var scope = services.CreateAsyncScope();
        await EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>());

        await BootstrapAdminAsync(scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>());

        if (DemoEnabled)
        {
            var password = ResolveDemoPassword();
            var totpSecret = ResolveDemoTotpSecret();
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(password, totpSecret, cancellationToken);
            var firm = DemoFirmEnabled
                ? await scope.ServiceProvider.GetRequiredService<DemoFirmSeeder>().SeedAsync(cancellationToken: cancellationToken)
                : null;
            PrintDemoAccounts(password, totpSecret, firm);
        }
    }

    public bool DemoEnabled =>
        !environment.IsProduction() && (demoOptions.Value.Enabled ?? databaseOptions.Value.Provider == DatabaseProvider.Sqlite);

    /// <summary>The demo firm (~60 clients and their work) around the demo accounts: by default with the embedded store only.</summary>
    public bool DemoFirmEnabled => DemoEnabled && (demoOptions.Value.Firm ?? databaseOptions.Value.Provider == DatabaseProvider.Sqlite);

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roleManager)
    {
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                var result = await roleManager.CreateAsync(new IdentityRole<Guid>(role));
                if (!result.Succeeded && !await roleManager.RoleExistsAsync(role))
                {
                    throw new InvalidOperationException($"Could not create the role {role}.");
                }
            }
        }
    }

    /// <summary>
    /// A new installation has no one to sign in as: with <c>Bootstrap:AdminEmail</c> and <c>Bootstrap:AdminPassword</c> set,
    /// the first administrator is created (confirmed) while the firm has none.
    /// </summary>
    private async Task BootstrapAdminAsync(UserManager<ApplicationUser> userManager)
    {
        var o = bootstrapOptions.Value;
        if (string.IsNullOrWhiteSpace(o.AdminEmail) || string.IsNullOrWhiteSpace(o.AdminPassword))
        {
            return;
        }

        if ((await userManager.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        var user = await userManager.FindByEmailAsync(o.AdminEmail);
        if (user is null)
        {
            user = new ApplicationUser { UserName = o.AdminEmail, Email = o.AdminEmail, EmailConfirmed = true };
            var created = await userManager.CreateAsync(user, o.AdminPassword);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException(
                    "Bootstrap:AdminPassword was refused: " + string.Join(" ", created.Errors.Select(e => e.Description)));
            }
        }

        await userManager.AddToRoleAsync(user, Roles.Admin);
        DataLog.Bootstrapped(logger);
    }

    private string ResolveDemoPassword()
    {
        var configured = demoOptions.Value.Password;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (File.Exists(paths.DemoPasswordFile))
        {
            var stored = File.ReadAllText(paths.DemoPasswordFile).Trim();
            if (stored.Length >= IdentityConfiguration.MinimumPasswordLength)
            {
                return stored;
            }
        }

        var generated = DemoDataSeeder.GeneratePassword();
        Directory.CreateDirectory(paths.DataPath);
        File.WriteAllText(paths.DemoPasswordFile, generated);
        return generated;
    }

    private string ResolveDemoTotpSecret()
    {
        var configured = demoOptions.Value.TotpSecret;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // Validated at start (DemoOptions).
            return Totp.Normalize(configured);
        }

        if (File.Exists(paths.DemoTotpSecretFile) && File.ReadAllText(paths.DemoTotpSecretFile).Trim() is var stored && Totp.IsValidKey(stored))
        {
            return Totp.Normalize(stored);
        }

        var generated = Totp.NewKey();
        Directory.CreateDirectory(paths.DataPath);
        File.WriteAllText(paths.DemoTotpSecretFile, generated);
        return generated;
    }

    private static void PrintDemoAccounts(string password, string totpSecret, DemoFirmSummary? firm)
    {
        // Printed to the console on purpose (not logged): it is a demo password, and people need to see it.
        var lines = new List<string>
        {
            "",
            "  TaxGenius demo accounts (development data; never created in Production)",
            $"  password for all of them: {password}",
        };
        lines.AddRange(DemoAccounts.All.Select(a => $"    {Roles.DisplayName(a.Role),-14} {a.Email}"));
        lines.Add($"  every one signs in with two factors: authenticator key {Totp.Format(totpSecret)} (Demo:TotpSecret)");
        lines.Add($"    add it to an authenticator app, or scan: {Totp.AuthenticatorUri("demo accounts", totpSecret)}");
        lines.Add("    or, once signed in, add a passkey under Account settings → Passkeys and sign in with it alone");
        if (firm is not null)
        {
            lines.Add($"  demo firm seeded in {firm.Elapsed.TotalSeconds:0.0} s: {firm.Clients} more clients, {firm.Engagements} engagements, {firm.Documents} documents, " +
                $"{firm.Referrals} referrals, {firm.Messages} messages (sample data; SSNs in the never-issued 9xx area; Demo:Firm=false turns it off)");
        }
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
