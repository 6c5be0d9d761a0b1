using System.Security.Cryptography;

namespace TaxGenius.Core.Security;

/// <summary>
/// The 256-bit keys the app is configured with (SSN keys, document-store master keys): their base64 form, new ones, and the
/// development key files the embedded default creates when none is configured.
/// </summary>
public static class MasterKeys
{
    public const int Size = 32;

    /// <summary>The key's bytes, or null when <paramref name="value"/> is not the base64 of exactly <see cref="Size"/> bytes.</summary>
    public static byte[]? TryDecode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var buffer = new byte[Size + 3];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written == Size ? buffer[..written] : null;
    }

    /// <summary>A new random key, base64 (what <c>openssl rand -base64 32</c> prints).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size));

    /// <summary>
    /// Outside Production, with no key configured: reads the key file at <paramref name="path"/>, or creates it (folder mode 700,
    /// file mode 600) when missing, so a developer's data keeps decrypting across starts. Two processes racing both end up with
    /// the first one's key.
    /// </summary>
    public static string LoadOrCreateDevelopmentKey(string path, out bool created)
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
                    writer.Write(NewKey());
                }

                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        var key = File.ReadAllText(path).Trim();
        return TryDecode(key) is null
            ? throw new InvalidOperationException($"The development key file {path} is not the base64 of {Size} bytes. Restore it, or delete it only if nothing was encrypted with it.")
            : key;
    }
}
