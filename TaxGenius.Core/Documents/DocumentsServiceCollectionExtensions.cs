using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaxGenius.Core.Security;

namespace TaxGenius.Core.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>The document workflow: clients' uploads (store: AddTaxGeniusDocumentStore), the review queue, status changes, staff access, SSN reveal.</summary>
    public static IHostApplicationBuilder AddTaxGeniusDocuments(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ClientDocumentService>();
        services.AddSingleton<ReviewQueueService>();
        services.AddSingleton<DocumentStatusService>();
        services.AddSingleton<StaffDocumentService>();
        services.AddTransient<DocumentStoreSweeper>();
        services.AddScoped<SsnRevealService>();
        services.AddOptions<Recognition.RecognitionOptions>().Bind(builder.Configuration.GetSection(Recognition.RecognitionOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.BlurModelPath) || Recognition.TesseractOcr.HoldsBlurModel(o.BlurModelPath),
                $"Recognition:BlurModelPath names a folder without {Recognition.TesseractOcr.BlurModelLanguage}.traineddata; set it to the folder that holds it, or empty to read without it.")
            .ValidateOnStart();
        services.AddTransient<Recognition.RecognitionService>();
        services.AddSingleton<Recognition.RecognitionSignal>();
        services.AddSingleton<Recognition.RecognitionFields>();
        services.AddSingleton<Recognition.RequestFulfilment>();
        services.AddSingleton<Recognition.RecognitionReviewService>();
        return builder;
    }
}
