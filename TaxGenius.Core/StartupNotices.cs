using Microsoft.Extensions.DependencyInjection;

namespace TaxGenius.Core;

/// <summary>
/// Things the app says once at start that a person running it should act on (a development key in use, …). Collected while the
/// services are registered, logged as warnings when the host starts (see <c>InitializeTaxGeniusAsync</c>).
/// </summary>
public sealed class StartupNotices
{
    private readonly List<string> notices = [];

    public IReadOnlyList<string> All => notices;

    public void Add(string notice) => notices.Add(notice);

    /// <summary>The one instance registered in <paramref name="services"/> (registered now when missing).</summary>
    public static StartupNotices From(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(StartupNotices))?.ImplementationInstance is StartupNotices existing)
        {
            return existing;
        }

        var created = new StartupNotices();
        services.AddSingleton(created);
        return created;
    }
}
