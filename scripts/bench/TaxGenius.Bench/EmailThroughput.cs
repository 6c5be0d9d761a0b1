using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TaxGenius.Core;
using TaxGenius.Core.Data;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Web;

namespace TaxGenius.Bench;

/// <summary>
/// N e-mails through the real path (render → QueuedEmails row → Hangfire job on PostgreSQL → SMTP) into the SMTP sink,
/// against a baseline of the same SMTP transport sending directly, measured side by side in one run.
/// </summary>
internal static class EmailThroughput
{
    public static async Task<int> RunAsync(int count, int workers, string smtpFolder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:AutoMigrate"] = "true",
            ["Jobs:WorkerCount"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["TaxGenius:PublicBaseUrl"] = "http://localhost",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddTaxGeniusCore();
        builder.AddTaxGeniusWeb();
        await using var app = builder.Build();
        await app.InitializeTaxGeniusAsync();

        // Baseline: the SMTP transport alone, sequential on one pooled connection (what the sink itself can take).
        var transport = app.Services.GetRequiredService<IEmailTransport>();
        var service = app.Services.GetRequiredService<EmailService>();
        var baselineCount = Math.Min(2000, count);
        var baseline = Stopwatch.StartNew();
        for (var i = 0; i < baselineCount; i++)
        {
            await transport.SendAsync(service.Build(new EmailMessage($"baseline{i}@bench.test", "Baseline", "<p>Baseline</p>", "Baseline")));
        }

        baseline.Stop();
        await WaitForFilesAsync(smtpFolder, baselineCount, TimeSpan.FromMinutes(2));
        var baselineRate = baselineCount / baseline.Elapsed.TotalSeconds;
        foreach (var file in Directory.GetFiles(smtpFolder, "*.eml"))
        {
            File.Delete(file);
        }

        await app.StartAsync();
        var queue = app.Services.GetRequiredService<EmailQueue>();
        var total = Stopwatch.StartNew();
        var enqueue = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await queue.QueueAsync($"client{i}@bench.test", new DocumentStatusChangedEmail("Casey", "W-2", $"w2-{i}.pdf", 2025, "COMPLETED", "http://localhost/client"), ct));
        enqueue.Stop();
        var deliveredWhenStored = Directory.GetFiles(smtpFolder, "*.eml").Length;
        var drain = Stopwatch.StartNew();

        var delivered = await WaitForFilesAsync(smtpFolder, count, TimeSpan.FromMinutes(10));
        total.Stop();
        drain.Stop();
        var backlog = count - deliveredWhenStored;
        var ids = Directory.GetFiles(smtpFolder, "*.eml").Select(MessageId).ToList();
        var unique = ids.Distinct(StringComparer.Ordinal).Count();

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync();
        var sent = await db.QueuedEmails.CountAsync(e => e.Status == QueuedEmailStatus.Sent);
        var failed = await db.QueuedEmails.CountAsync(e => e.Status == QueuedEmailStatus.Failed);
        await app.StopAsync();

        var rate = count / total.Elapsed.TotalSeconds;
        Console.WriteLine($"""

            E-mail throughput ({count} messages, {workers} Hangfire workers, PostgreSQL storage, SMTP sink on loopback)
              baseline: SMTP transport alone, sequential     {baselineRate,8:F0} msg/s  ({baselineCount} messages)
              enqueue (render + store + Hangfire enqueue)     {count / enqueue.Elapsed.TotalSeconds,8:F0} msg/s  ({enqueue.Elapsed.TotalSeconds:F1} s)
              end to end (first enqueue to last delivery)     {rate,8:F0} msg/s  ({total.Elapsed.TotalSeconds:F1} s)
              delivery of the backlog left after enqueueing   {(backlog == 0 ? 0 : backlog / drain.Elapsed.TotalSeconds),8:F0} msg/s  ({backlog} messages in {drain.Elapsed.TotalSeconds:F1} s)
              ratio end-to-end / baseline                     {rate / baselineRate,8:P0}
              delivered files {delivered}, unique Message-IDs {unique}, lost {count - unique}, duplicates {ids.Count - unique}
              QueuedEmails: sent {sent}, failed {failed}
            """);
        return count - unique == 0 && ids.Count == unique ? 0 : 1;
    }

    private static async Task<int> WaitForFilesAsync(string folder, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int seen;
        while ((seen = Directory.GetFiles(folder, "*.eml").Length) < count && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }

        return seen;
    }

    private static string MessageId(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase))
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }

            if (line.Length == 0)
            {
                break;
            }
        }

        return file;
    }
}
