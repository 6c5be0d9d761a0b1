using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TaxGenius.Core.Data;

/// <summary>Used by <c>dotnet ef migrations add … --context PostgresTaxGeniusDbContext</c>; no server is contacted.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTaxGeniusDbContext>
{
    public PostgresTaxGeniusDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresTaxGeniusDbContext>();
        DatabaseServiceCollectionExtensions.ConfigurePostgres(builder, "Host=localhost;Database=taxgenius_design");
        return new PostgresTaxGeniusDbContext(builder.Options);
    }
}

/// <summary>Used by <c>dotnet ef migrations add … --context SqliteTaxGeniusDbContext</c>.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTaxGeniusDbContext>
{
    public SqliteTaxGeniusDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteTaxGeniusDbContext>();
        DatabaseServiceCollectionExtensions.ConfigureSqlite(builder, "Data Source=design.db");
        return new SqliteTaxGeniusDbContext(builder.Options);
    }
}
