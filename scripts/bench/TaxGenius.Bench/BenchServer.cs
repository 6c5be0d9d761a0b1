using System.Security.Cryptography;
using TaxGenius.Core.Demo;

namespace TaxGenius.Bench;

/// <summary>The settings both benchmarks give the published app, on top of the connection strings the script exports.</summary>
internal static class BenchServer
{
    public const string DemoPassword = "bench-demo-password";
    public const string Client = DemoAccounts.Client;

    /// <summary>Every demo account signs in with two factors: the benchmark computes the codes from this key.</summary>
    public const string TotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /// <summary>
    /// Production's composition (PostgreSQL, Redis, Release, Server GC, exception handler and HSTS, no development static
    /// assets) under the environment name Staging: in Production the app refuses to seed the demo accounts, and the
    /// benchmark needs a client to sign in as. Nothing else in the app depends on the environment name being Production.
    /// </summary>
    // One set of keys per benchmark process: a second server on the same database must read what the first one encrypted.
    private static readonly string StorageKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string SsnKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string DataProtectionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static Dictionary<string, string> Settings(string dataPath) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Staging",
        ["Database__AutoMigrate"] = "true",
        ["Demo__Enabled"] = "true",
        ["Demo__Password"] = DemoPassword,
        ["Demo__TotpSecret"] = TotpSecret,
        ["TaxGenius__DataPath"] = dataPath,
        ["Logging__LogLevel__Default"] = "Warning",
        // A real master key, as Production requires (the store would otherwise fall back to a development key).
        ["Storage__MasterKeys__bench"] = StorageKey,
        ["Storage__ActiveKeyId"] = "bench",
        // The other key rings Production requires: SSNs (and message bodies), and the Data Protection key ring's own encryption.
        ["Ssn__Keys__bench"] = SsnKey,
        ["Ssn__ActiveKeyId"] = "bench",
        ["DataProtection__Keys__bench"] = DataProtectionKey,
        ["DataProtection__ActiveKeyId"] = "bench",
        // Required outside Development (e-mailed links); loopback is always served, so the benchmark's address is fine.
        ["TaxGenius__PublicBaseUrl"] = "http://127.0.0.1",
    };

    public static string WorkDir => Environment.GetEnvironmentVariable("TG_BENCH_WORK") ?? Path.GetTempPath();

    public static string Kb(double bytes) => $"{bytes / 1024:F0} KB";

    public static string Mb(double bytes) => $"{bytes / (1024 * 1024):F1} MB";
}
