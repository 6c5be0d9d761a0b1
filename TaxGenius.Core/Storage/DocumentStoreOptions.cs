namespace TaxGenius.Core.Storage;

/// <summary>
/// Settings under <c>Storage</c>. Files are encrypted with a random key per file; that key is wrapped (AES-256-GCM) by a
/// master key from <see cref="MasterKeys"/> (id → base64 of 32 bytes), the active one named by <see cref="ActiveKeyId"/>.
/// Older keys stay listed so older files still open.
/// </summary>
public sealed class DocumentStoreOptions
{
    public const string Section = "Storage";

    /// <summary>Where encrypted files live: <c>Local</c> (a folder, the embedded default) or <c>S3</c> (a bucket, see <see cref="S3"/>).</summary>
    public StorageBackend Backend { get; set; } = StorageBackend.Local;

    /// <summary>The local folder of encrypted files; relative to the data folder. Never under wwwroot.</summary>
    public string Path { get; set; } = "documents";

    /// <summary>The bucket, when <see cref="Backend"/> is <c>S3</c>.</summary>
    public S3StoreOptions S3 { get; set; } = new();

    public Dictionary<string, string> MasterKeys { get; set; } = [];

    public string? ActiveKeyId { get; set; }

    /// <summary>Largest accepted file, in bytes (default 50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>What is wrong with the master keys (each message names the setting); empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var error in Security.KeyRingSettings.Storage.Validate(MasterKeys, ActiveKeyId))
        {
            yield return error;
        }

        if (MaxFileBytes <= 0)
        {
            yield return "Storage:MaxFileBytes must be positive.";
        }

        if (Backend == StorageBackend.S3)
        {
            foreach (var error in S3.Validate())
            {
                yield return error;
            }
        }
    }
}

public enum StorageBackend
{
    Local,
    S3,
}

/// <summary>
/// Settings under <c>Storage:S3</c>: any S3-compatible service. <see cref="ServiceUrl"/> empty means AWS itself in
/// <see cref="Region"/>; set it for MinIO, Ceph RGW, R2, B2 and the like (most want <see cref="ForcePathStyle"/>).
/// Without <see cref="AccessKey"/> the AWS SDK's own credential chain is used (environment, instance or task role).
/// </summary>
public sealed class S3StoreOptions
{
    public const int MinPartSizeBytes = 5 * 1024 * 1024;

    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Bucket in the path (<c>http://host/bucket/key</c>) rather than in the host name; what MinIO and Ceph expect.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Put before every object key, to share a bucket (for example "taxgenius/"). Optional.</summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// Bytes per multipart part (S3's minimum, 5 MiB, by default: 50 GB files fit in S3's 10,000 parts). Each upload in flight
    /// holds two parts in memory.
    /// </summary>
    public int PartSizeBytes { get; set; } = MinPartSizeBytes;

    public int TimeoutSeconds { get; set; } = 30;

    public int MaxErrorRetry { get; set; } = 2;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return "Storage:S3:Bucket is required when Storage:Backend is S3.";
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return "Storage:S3:ServiceUrl must be an absolute URL such as http://minio:9000.";
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return "Storage:S3:AccessKey and Storage:S3:SecretKey go together: set both, or neither to use the AWS credential chain.";
        }

        if (PartSizeBytes < MinPartSizeBytes)
        {
            yield return $"Storage:S3:PartSizeBytes must be at least {MinPartSizeBytes} (5 MiB, S3's smallest part).";
        }

        if (TimeoutSeconds <= 0)
        {
            yield return "Storage:S3:TimeoutSeconds must be positive.";
        }
    }
}
