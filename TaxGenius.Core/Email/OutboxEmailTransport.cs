using MimeKit;

namespace TaxGenius.Core.Email;

/// <summary>
/// Writes each message as an .eml file into the outbox folder, where admins (and tests) can read it.
/// The file appears whole or not at all: it is written under a temporary name and then renamed.
/// </summary>
public sealed class OutboxEmailTransport(OutboxFolder folder) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder.Path);
        var name = OutboxFolder.FileNameFor(message);
        var final = System.IO.Path.Combine(folder.Path, name);
        var temp = final + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }

        File.Move(temp, final, overwrite: true);
    }
}

/// <summary>The outbox folder and the messages in it.</summary>
public sealed class OutboxFolder(string path)
{
    public string Path { get; } = path;

    internal static string FileNameFor(MimeMessage message)
    {
        var id = new string((message.MessageId ?? Guid.NewGuid().ToString("N")).Where(char.IsLetterOrDigit).ToArray());
        return $"{message.Date.UtcDateTime:yyyyMMddHHmmssfff}-{id}.eml";
    }

    /// <summary>The messages, newest first.</summary>
    public IReadOnlyList<OutboxEntry> List()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        return Directory.EnumerateFiles(Path, "*.eml")
            .Select(f => new FileInfo(f))
            .OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .Select(f =>
            {
                var message = MimeMessage.Load(f.FullName);
                return new OutboxEntry(f.Name, message.To.ToString(), message.Subject ?? "", message.Date, message);
            })
            .ToList();
    }
}

public sealed record OutboxEntry(string FileName, string To, string Subject, DateTimeOffset Date, MimeMessage Message);
