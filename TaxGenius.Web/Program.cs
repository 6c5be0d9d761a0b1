using TaxGenius.Core;
using TaxGenius.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddTaxGeniusCore();
builder.AddTaxGeniusWeb();

var app = builder.Build();

// `dotnet run --project TaxGenius.Web -- migrate` applies pending migrations and exits (the production path).
if (args.Contains("migrate", StringComparer.OrdinalIgnoreCase))
{
    await app.MigrateTaxGeniusDatabaseAsync();
    return;
}

await app.InitializeTaxGeniusAsync();
app.UseTaxGenius();
app.MapTaxGenius();
app.Run();

/// <summary>The entry point; public so the test hosts (WebApplicationFactory) can start the app.</summary>
public partial class Program;
