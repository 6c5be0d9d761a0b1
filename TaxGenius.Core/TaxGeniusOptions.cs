using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaxGenius.Core;

/// <summary>Settings under <c>TaxGenius</c>.</summary>
public sealed class TaxGeniusOptions
{
    public const string Section = "TaxGenius";

    /// <summary>
    /// Where the embedded default keeps its data: the SQLite file, stored documents, the e-mail outbox, keys.
    /// Relative paths are resolved against the app's content root.
    /// </summary>
    [Required]
    public string DataPath { get; set; } = "App_Data";

    /// <summary>
    /// The address people use to reach the app (<c>https://portal.example-firm.com</c>): every link in every e-mail starts with it.
    /// Required outside Development; in Development, when empty, the address the server listens on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The configured base URL, when it is a valid absolute http(s) address without query or fragment.</summary>
    public Uri? PublicBaseUri =>
        Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri
            : null;

    /// <summary>The firm's name as shown in pages and e-mails.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string FirmName { get; set; } = "TaxGenius";
}

/// <summary>Checks <see cref="TaxGeniusOptions.PublicBaseUrl"/> at start: links in e-mails must never depend on a request.</summary>
public sealed class TaxGeniusOptionsValidator(IHostEnvironment environment) : IValidateOptions<TaxGeniusOptions>
{
    public ValidateOptionsResult Validate(string? name, TaxGeniusOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("TaxGenius:PublicBaseUrl (environment variable TaxGenius__PublicBaseUrl) is required outside Development: " +
                    "the address people use to reach the app, e.g. https://portal.example-firm.com. Every link in every e-mail starts with it.");
        }

        return options.PublicBaseUri is null
            ? ValidateOptionsResult.Fail("TaxGenius:PublicBaseUrl must be an absolute http or https address without query or fragment, e.g. https://portal.example-firm.com.")
            : ValidateOptionsResult.Success;
    }
}
