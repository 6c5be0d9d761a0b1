namespace TaxGenius.Core;

/// <summary>Resolved locations under the data folder.</summary>
public sealed class TaxGeniusPaths(string dataPath)
{
    public string DataPath { get; } = Path.GetFullPath(dataPath);
    public string DatabaseFile => Path.Combine(DataPath, "taxgenius.db");
    public string Outbox => Path.Combine(DataPath, "outbox");
    public string DemoPasswordFile => Path.Combine(DataPath, "demo-password.txt");
    public string DemoTotpSecretFile => Path.Combine(DataPath, "demo-totp-secret.txt");

    /// <summary>Where the embedded default keeps the development key for <paramref name="purpose"/> ("ssn", "storage").</summary>
    public string DevelopmentKeyFile(string purpose) => Path.Combine(DataPath, "keys", $"{purpose}-dev.key");
}
