using Microsoft.Extensions.Options;
using TaxGenius.Core;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Several settings are wrong at start (<see cref="WebApplicationExtensions.ValidateTaxGeniusSettings"/>): the message lists each on its
/// own line, where the base class runs them together with "; ".
/// </summary>
public sealed class SettingsInvalidException(IReadOnlyList<string> failures) : OptionsValidationException("TaxGenius", typeof(TaxGeniusOptions), failures)
{
    public override string Message => $"{failures.Count} settings need attention before TaxGenius can run:"
        + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f));
}
