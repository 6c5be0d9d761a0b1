using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The encrypted document store: <c>Storage</c> options (master keys, folder, size limit) validated at start (only Development
    /// fills an empty key ring, see <see cref="DevelopmentKeys"/>), the key ring and the store.
    /// </summary>
    public static IHostApplicationBuilder AddTaxGeniusDocumentStore(this IHostApplicationBuilder builder, TaxGeniusPaths paths)
    {
        var services = builder.Services;
        services.AddOptions<DocumentStoreOptions>().Bind(builder.Configuration.GetSection(DocumentStoreOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DocumentStoreOptions>, DocumentStoreOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DocumentStoreOptions>>().Value;
            return new StorageKeyRing(options.MasterKeys, options.ActiveKeyId!);
        });
        services.AddSingleton(sp => new EncryptedFileStore(
            Path.GetFullPath(Path.Combine(paths.DataPath, sp.GetRequiredService<IOptions<DocumentStoreOptions>>().Value.Path)),
            sp.GetRequiredService<StorageKeyRing>()));
        return builder;
    }

    private sealed class DocumentStoreOptionsValidator : IValidateOptions<DocumentStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, DocumentStoreOptions options)
        {
            var errors = options.Validate().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
