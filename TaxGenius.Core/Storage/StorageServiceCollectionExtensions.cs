using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The encrypted document store: master keys from <c>Storage:MasterKeys</c>/<c>Storage:ActiveKeyId</c>; without them, outside
    /// Production only, a development key created once in the data folder (and said so at start). Production refuses to start
    /// without configured keys.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusDocumentStore(this IHostApplicationBuilder builder, TaxGeniusPaths paths)
    {
        var section = builder.Configuration.GetSection(DocumentStoreOptions.Section);
        var options = section.Get<DocumentStoreOptions>() ?? new DocumentStoreOptions();
        var errors = options.Validate(builder.Environment.IsProduction()).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(DocumentStoreOptions), typeof(DocumentStoreOptions), errors);
        }

        var notices = StartupNotices.From(builder.Services);
        if (options.MasterKeys.Count == 0)
        {
            var file = paths.DevelopmentKeyFile("storage");
            options.MasterKeys[DocumentStoreOptions.DevelopmentKeyId] = MasterKeys.LoadOrCreateDevelopmentKey(file, out var created);
            options.ActiveKeyId = DocumentStoreOptions.DevelopmentKeyId;
            notices.Add($"Documents are encrypted with a development master key kept in {file} ({(created ? "created now" : "reused")}). " +
                "Configure Storage:MasterKeys and Storage:ActiveKeyId before real use (Production requires them).");
        }

        if (options.MaxFileBytes <= 0)
        {
            throw new OptionsValidationException(nameof(DocumentStoreOptions), typeof(DocumentStoreOptions), ["Storage:MaxFileBytes must be positive."]);
        }

        var root = Path.GetFullPath(Path.Combine(paths.DataPath, options.Path));
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(new StorageKeyRing(options.MasterKeys, options.ActiveKeyId!));
        builder.Services.AddSingleton(sp => new EncryptedFileStore(root, sp.GetRequiredService<StorageKeyRing>()));
        builder.Services.AddSingleton<ClientDocumentService>();
        builder.Services.AddTransient<DocumentStoreSweeper>();
        return builder;
    }
}

/// <summary>Things the app says once at start (development keys in use, ...), logged as warnings when the host starts.</summary>
public sealed class StartupNotices
{
    private readonly List<string> notices = [];

    public IReadOnlyList<string> All => notices;

    public void Add(string notice) => notices.Add(notice);

    public static StartupNotices From(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(StartupNotices))?.ImplementationInstance is StartupNotices existing)
        {
            return existing;
        }

        var created = new StartupNotices();
        services.AddSingleton(created);
        return created;
    }
}
