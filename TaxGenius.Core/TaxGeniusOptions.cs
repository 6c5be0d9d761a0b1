using System.ComponentModel.DataAnnotations;

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

    /// <summary>The address people use to reach the app, for links in e-mails. Empty: taken from the request.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The firm's name as shown in pages and e-mails.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string FirmName { get; set; } = "TaxGenius";
}
