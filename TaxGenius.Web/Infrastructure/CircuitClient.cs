using System.Security.Claims;
using TaxGenius.Core.Audit;

namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// Who is at the other end of an interactive page, for the audit log: the address and browser of the request that opened the
/// circuit. Interactive components must not read <c>HttpContext</c> (there is none for most events); App.razor reads it once, while
/// the page is rendered over HTTP, and hands it to the root component, which records it here for the circuit's lifetime.
/// </summary>
public sealed class CircuitClient
{
    public const int MaxUserAgentLength = 256;

    public string? IpAddress { get; private set; }

    public string? UserAgent { get; private set; }

    /// <summary>Records the client once; later calls (a re-render of the root) keep the first values.</summary>
    public void Capture(string? ipAddress, string? userAgent)
    {
        IpAddress ??= ipAddress;
        UserAgent ??= userAgent is { Length: > MaxUserAgentLength } longer ? longer[..MaxUserAgentLength] : userAgent;
    }

    /// <summary>The audit actor for <paramref name="user"/> acting from this circuit.</summary>
    public AuditActor ActorFor(ClaimsPrincipal user) => AuditActors.From(user, IpAddress, UserAgent);
}
