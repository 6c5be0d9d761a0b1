using TaxGenius.Core;
using TaxGenius.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddTaxGeniusCore();
builder.AddTaxGeniusWeb();

var app = builder.Build();

// Every setting is checked before anything runs, and what is wrong is listed all at once. `migrate` checks only the database's:
// a deployment pipeline that holds no keys runs it with just the connection string.
var migrate = args.Contains("migrate", StringComparer.OrdinalIgnoreCase);
app.ValidateTaxGeniusSettings(databaseOnly: migrate);

// `dotnet run --project TaxGenius.Web -- migrate` applies pending migrations and exits (the production path).
if (migrate)
{
    await app.MigrateTaxGeniusDatabaseAsync();
    return;
}

// `dotnet run --project TaxGenius.Web -- rotate-ssn-keys` re-encrypts every SSN under Ssn:ActiveKeyId, prints the counts and exits.
// Safe while the app serves: rows changed meanwhile are not overwritten (see SsnRotationService).
if (args.Contains("rotate-ssn-keys", StringComparer.OrdinalIgnoreCase))
{
    Environment.ExitCode = await app.RotateSsnKeysAsync(Console.Out);
    return;
}

// `... -- rotate-storage-keys` re-wraps every stored file's data key under Storage:ActiveKeyId (local folder or bucket alike).
if (args.Contains("rotate-storage-keys", StringComparer.OrdinalIgnoreCase))
{
    Environment.ExitCode = await app.RotateStorageKeysAsync(Console.Out);
    return;
}

// `... -- backup --to DIR` writes a consistent backup (database + the stored files it points at, encrypted, never a key);
// `... -- restore --from DIR` puts one into an empty database and store. Both print what they did and exit.
if (args.Contains("backup", StringComparer.OrdinalIgnoreCase) || args.Contains("restore", StringComparer.OrdinalIgnoreCase))
{
    Environment.ExitCode = await app.BackupOrRestoreAsync(args, Console.Out);
    return;
}

// `... -- verify-audit-chain` seals what is waiting, checks the audit log's hash chain end to end and prints the first broken link
// (exit code 1) or the head hash to note down outside the server (exit code 0).
if (args.Contains("verify-audit-chain", StringComparer.OrdinalIgnoreCase))
{
    Environment.ExitCode = await app.VerifyAuditChainAsync(Console.Out);
    return;
}

// `... -- seed-benchmark --clients 100000 [--seed N]` builds a large firm for the benchmarks around the demo accounts (Demo:Enabled=true;
// never in Production) and exits.
if (args.Contains("seed-benchmark", StringComparer.OrdinalIgnoreCase))
{
    Environment.ExitCode = await app.SeedBenchmarkFirmAsync(args, Console.Out);
    return;
}

await app.InitializeTaxGeniusAsync();
app.UseTaxGenius();
app.MapTaxGenius();
app.Run();

/// <summary>The entry point; public so the test hosts (WebApplicationFactory) can start the app.</summary>
public partial class Program;
