namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The real servers the tests use. scripts/test.sh starts a throwaway PostgreSQL and Redis on loopback and exports these;
/// without them the tests fail with this message rather than skip.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresAdmin => Require("TAXGENIUS_TEST_POSTGRES");

    public static string Redis => Require("TAXGENIUS_TEST_REDIS");

    /// <summary>The S3 server (Ceph RADOS Gateway) and its bucket: "Endpoint=…;Bucket=…;AccessKey=…;SecretKey=…".</summary>
    public static IReadOnlyDictionary<string, string> S3 => Require("TAXGENIUS_TEST_S3").Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.OrdinalIgnoreCase);

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with scripts/test.sh, which starts a throwaway PostgreSQL, Redis and S3 server and sets it.");
}
