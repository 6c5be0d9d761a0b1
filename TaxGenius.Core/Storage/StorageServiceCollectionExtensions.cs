using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The encrypted document store: <c>Storage</c> options (master keys, backend, folder or bucket, size limit) validated at
    /// start (only Development fills an empty key ring, see <see cref="DevelopmentKeys"/>), the key ring, where the encrypted
    /// bytes go (<see cref="LocalBlobStore"/> or <see cref="S3BlobStore"/>) and the store.
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
        services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DocumentStoreOptions>>().Value;
            return options.Backend == StorageBackend.S3
                ? new S3BlobStore(options.S3)
                : new LocalBlobStore(Path.GetFullPath(Path.Combine(paths.DataPath, options.Path)));
        });
        services.AddSingleton<EncryptedFileStore>();
        // Backups copy the database and the stored files it points at (never a key); see BackupService.
        services.AddOptions<Backups.BackupOptions>().Bind(builder.Configuration.GetSection(Backups.BackupOptions.Section));
        services.AddTransient<Backups.BackupService>();
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
