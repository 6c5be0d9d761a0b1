using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Signatures;

public static class SignaturesServiceCollectionExtensions
{
    /// <summary>E-signature: requests, the signer's flow, completion, reminders; the knowledge check is replaceable (ADR-013).</summary>
    public static IHostApplicationBuilder AddTaxGeniusSignatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SignatureService>();
        builder.Services.AddSingleton<SigningService>();
        builder.Services.AddSingleton<SignatureCompletion>();
        builder.Services.AddSingleton<SignatureReminders>();
        // A firm's third-party KBA provider registers its IKnowledgeVerifier before this line, and this default steps aside.
        builder.Services.TryAddSingleton<IKnowledgeVerifier, FirmKnowledgeVerifier>();
        return builder;
    }
}
