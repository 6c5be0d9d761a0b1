using System.Security.Cryptography;

namespace TaxGenius.Core.Security;

/// <summary>
/// Outside Production, with no <c>Ssn:Keys</c> configured, SSNs are encrypted with a key generated once into the data folder
/// (<c>keys/ssn-dev.key</c>, readable by the owner only) and reused at every start, so a developer's data keeps decrypting.
/// </summary>
public static class DevelopmentSsnKey
{
    public static string PathIn(TaxGeniusPaths paths) => Path.Combine(paths.DataPath, "keys", "ssn-dev.key");

    /// <summary>Reads the key file, or creates it (mode 600) when missing. Two processes racing both end up with the first one's key.</summary>
    public static string LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var writer = new StreamWriter(path, options))
                {
                    writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(SsnProtectionOptions.KeySizeBytes)));
                }

                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        var key = File.ReadAllText(path).Trim();
        return SsnProtectionOptionsValidator.TryDecodeKey(key) is null
            ? throw new InvalidOperationException($"The development SSN key file {path} is not the base64 of 32 bytes. Restore it, or delete it only if no SSN was saved with it.")
            : key;
    }
}
