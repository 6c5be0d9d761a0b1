using System.Diagnostics;
using Npgsql;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>The real pg_dump of a test database (data only), as an attacker with a backup would read it.</summary>
public static class PgDump
{
    public static async Task<string> DataAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = Environment.GetEnvironmentVariable("TAXGENIUS_PG_DUMP") is { Length: > 0 } configured
            ? configured
            : Directory.GetFiles("/usr/lib/postgresql", "pg_dump", SearchOption.AllDirectories).Order().LastOrDefault()
              ?? throw new InvalidOperationException("pg_dump not found under /usr/lib/postgresql; set TAXGENIUS_PG_DUMP.");
        var start = new ProcessStartInfo(pgDump, ["--data-only", "--no-owner", "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", builder.Username!, "-d", builder.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (builder.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        return await output;
    }
}
