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
    /// The encrypted document store: master keys from <c>Storage:MasterKeys</c>/<c>Storage:ActiveKeyId</c>, required (only Development
    /// fills an empty ring, see <see cref="DevelopmentKeys"/>).
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusDocumentStore(this IHostApplicationBuilder builder, TaxGeniusPaths paths)
    {
        var section = builder.Configuration.GetSection(DocumentStoreOptions.Section);
        var options = section.Get<DocumentStoreOptions>() ?? new DocumentStoreOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(DocumentStoreOptions), typeof(DocumentStoreOptions), errors);
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
