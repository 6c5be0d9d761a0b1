namespace TaxGenius.Core;

/// <summary>Resolved locations under the data folder.</summary>
public sealed class TaxGeniusPaths(string dataPath)
{
    public string DataPath { get; } = Path.GetFullPath(dataPath);
    public string DatabaseFile => Path.Combine(DataPath, "taxgenius.db");
    public string Outbox => Path.Combine(DataPath, "outbox");
    public string DemoPasswordFile => Path.Combine(DataPath, "demo-password.txt");
}
