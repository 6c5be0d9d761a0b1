using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace TaxGenius.Core.Security;

/// <summary>
/// The one development fallback for keys: in the Development environment, and only there, a key ring left empty in configuration is
/// filled with a key generated once into the data folder (<c>App_Data/keys/*-dev.key</c>, mode 600) and the app says so at start.
/// Every other environment (Production, Staging, a typo) gets no fallback: the ring's validation stops the start naming the setting.
/// </summary>
public static class DevelopmentKeys
{
    /// <summary>Adds the development keys of every empty ring to <paramref name="configuration"/> (Development only).</summary>
    public static void FillEmptyRings(IConfigurationManager configuration, IHostEnvironment environment, TaxGeniusPaths paths, StartupNotices notices)
    {
        if (!environment.IsDevelopment())
        {
            return;
        }

        var values = new Dictionary<string, string?>();
        foreach (var ring in KeyRingSettings.All)
        {
            if (configuration.GetSection(ring.KeysPath).GetChildren().Any() || !string.IsNullOrEmpty(configuration[ring.ActivePath]))
            {
                continue;
            }

            var file = paths.DevelopmentKeyFile(ring.Purpose);
            values[$"{ring.KeysPath}:{ring.DevelopmentKeyId}"] = MasterKeys.LoadOrCreateDevelopmentKey(file, out var created);
            values[ring.ActivePath] = ring.DevelopmentKeyId;
            notices.Add($"{ring.Protects} are encrypted with a development key kept in {file} ({(created ? "created now" : "reused")}). " +
                $"Configure {ring.KeysPath} and {ring.ActivePath} before real use: only Development falls back to this key.");
        }

        if (values.Count > 0)
        {
            configuration.AddInMemoryCollection(values);
        }
    }
}
