using System.ComponentModel.DataAnnotations;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// <c>Security:RevalidationSeconds</c> (default 60): how often a signed-in session re-checks its account's security stamp, both
/// the cookie on each request and an open Blazor circuit. A role change, lock, deactivation or forced reset takes effect within it.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    [Range(1, 3600)]
    public int RevalidationSeconds { get; set; } = 60;

    public TimeSpan RevalidationInterval => TimeSpan.FromSeconds(RevalidationSeconds);
}
