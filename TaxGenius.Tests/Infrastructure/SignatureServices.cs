using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Signatures;
using TaxGenius.Core.Storage;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The e-signature services over one test database, clock and encrypted store folder, wired as the app wires them (e-mails rendered
/// and queued; the signer's links and codes are read back from the queued e-mails, as a person reads them).
/// </summary>
public sealed partial class SignatureServices : IDisposable
{
    private readonly ServiceProvider provider;
    private readonly TestDatabase database;

    public SignatureServices(TestDatabase database, TimeProvider clock, TestStore files)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTaxGeniusEmailTemplates();
        provider = services.BuildServiceProvider();

        Engagement = new EngagementServices(database, clock);
        ArgumentNullException.ThrowIfNull(files);
        Files = files;
        Store = files.Store;
        var urls = new PublicUrls(Options.Create(new TaxGeniusOptions { PublicBaseUrl = "https://app.example.test" }));
        var emails = new EmailQueue(database.Factory, provider.GetRequiredService<EmailRenderer>());
        var audit = Engagement.Audit;
        Completion = new SignatureCompletion(database.Factory, Store, emails, urls, audit, clock, NullLogger<SignatureCompletion>.Instance);
        Requests = new SignatureService(database.Factory, Store, Options.Create(new DocumentStoreOptions { MaxFileBytes = 2 * 1024 * 1024 }),
            Completion, emails, urls, audit, clock, NullLogger<SignatureService>.Instance);
        Signing = new SigningService(database.Factory, provider.GetRequiredService<IServiceScopeFactory>(), Store, new FirmKnowledgeVerifier(), Completion,
            emails, urls, audit, clock, NullLogger<SigningService>.Instance);
        Reminders = new SignatureReminders(database.Factory, emails, urls, audit, Completion, clock, NullLogger<SignatureReminders>.Instance);
    }

    public EngagementServices Engagement { get; }
    public TestStore Files { get; }
    public EncryptedFileStore Store { get; }
    public SignatureCompletion Completion { get; }
    public SignatureService Requests { get; }
    public SigningService Signing { get; }
    public SignatureReminders Reminders { get; }

    public static readonly SignerContext Browser = new("198.51.100.7", "Mozilla/5.0 (test)");

    /// <summary>The newest signing link e-mailed to <paramref name="to"/>: the spouse's invitation token, or the client's signer id.</summary>
    public async Task<string> LinkSentToAsync(string to)
    {
        var body = await LatestBodyAsync(to, "signature-");
        return LinkPattern().Match(body) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No signing link in the e-mail.");
    }

    /// <summary>The newest signing code e-mailed to <paramref name="to"/>.</summary>
    public async Task<string> CodeSentToAsync(string to)
    {
        var body = await LatestBodyAsync(to, "signing-code");
        return CodePattern().Match(body) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No code in the e-mail.");
    }

    private async Task<string> LatestBodyAsync(string to, string templatePrefix)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.QueuedEmails.AsNoTracking().Where(e => e.To == to && e.Template.StartsWith(templatePrefix))
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Select(e => e.TextBody ?? e.HtmlBody ?? "").FirstAsync();
    }

    /// <summary>Pat, a preparer: the actor of the staff side, who gets the firm's notices.</summary>
    public async Task<TaxGenius.Core.Audit.AuditActor> PreparerAsync()
    {
        var id = await MessagingServices.UserAsync(database, "pat@firm.example.test", TaxGenius.Core.Identity.Roles.Preparer, "Pat");
        return new TaxGenius.Core.Audit.AuditActor(id, "pat@firm.example.test", "203.0.113.9");
    }

    /// <summary>A client with a profile, their engagement for 2025, and its id.</summary>
    public async Task<(Guid ClientId, Guid EngagementId)> ClientWithEngagementAsync(string email, string firstName = "Casey")
    {
        var client = await MessagingServices.ClientAsync(database, email, firstName);
        var engagement = await Engagement.Engagements.EnsureAsync(client, 2025);
        return (client, engagement.Id);
    }

    /// <summary>A PNG of <paramref name="width"/> × <paramref name="height"/> pixels (a drawn signature, as the browser sends it).</summary>
    public static byte[] SignaturePng(int width = 300, int height = 80)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        SampleFiles.WriteChunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            for (var x = 0; x < width; x++)
            {
                row[1 + (x * 3) + 2] = (byte)(x % 255);
            }

            for (var y = 0; y < height; y++)
            {
                z.Write(row);
            }
        }

        SampleFiles.WriteChunk(output, "IDAT", raw.ToArray());
        SampleFiles.WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    [GeneratedRegex(@"/(?:sign|client/signatures)/([0-9a-f\-]{32,64})")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\b(\d{6})\b")]
    private static partial Regex CodePattern();

    public void Dispose()
    {
        Engagement.Dispose();
        provider.Dispose();
    }
}
