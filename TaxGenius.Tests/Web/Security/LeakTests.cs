using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Recognition;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>
/// The crown jewels never leak: after a whole journey (client saves an SSN and uploads a document, the preparer opens it,
/// reveals the SSN and completes it, the client writes the SSN and the marker in a message that the preparer sees masked and reveals,
/// e-mails go out, recognition reads the document's text and boxes, an admin reads the user over the API and tries to write the SSN column)
/// neither the SSN's digits nor a marker printed inside the document appear in the logs (captured at Debug), a pg_dump of the
/// database, any Redis key or the outbox.
/// </summary>
public sealed class LeakTests
{
    private const string Ssn = "536-27-4918";
    private const string SsnDigits = "536274918";

    [Fact]
    public async Task After_a_full_journey_the_ssn_and_document_content_are_nowhere_outside_their_encryption()
    {
        var marker = $"LEAKMARKER{Guid.NewGuid():N}";
        var logs = new CapturingLoggerProvider();
        await using var app = await TaxGeniusAppFactory.CreateAsync(
            extra: new Dictionary<string, string?>
            {
                // Everything at Debug, the framework and EF Core (SQL commands) included.
                ["Logging:LogLevel:Default"] = "Debug",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug",
            },
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        app.StartServer();

        // The client saves the SSN (as the profile page does) and uploads a W-2 with the marker printed in it.
        const string email = "leaky.client@example.test";
        var clientId = await app.CreateUserAsync(email, Roles.Client);
        using (var scope = app.Services.CreateScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<SsnService>().SetAsync(clientId, Ssn);
            Assert.Equal("***-**-4918", saved.Masked);
        }

        using var client = await app.SignInForApiAsync(email);
        // A real W-2 (recognition reads it): the marker is the employer, the SSN printed in full as box a.
        var pdf = SampleTaxForms.W2(TaxYears.Current(TimeProvider.System), "Leaky Client", "1 Main St, Dayton, OH 45402", Ssn, marker,
            "2 Dock Rd, Toledo, OH 43604", "34-5678901", 48_000m, 5_100m, "OH", 1_400m);
        Assert.Contains(marker, Encoding.Latin1.GetString(pdf), StringComparison.Ordinal); // the marker really is in the bytes sent
        using var request = DocumentUpload.Request(new ByteArrayContent(pdf), "w2.pdf");
        using var uploaded = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var documentId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Contains("***-**-4918", await client.GetStringAsync("/client/profile"), StringComparison.Ordinal);
        Assert.Equal(pdf, await client.GetByteArrayAsync($"/api/documents/{documentId}/content"));

        // The preparer (two factors) views the document inline, reveals the SSN and completes the document: e-mails are queued.
        using var preparer = await app.SignInAsync(DemoAccounts.Preparer);
        Assert.Equal(pdf, await preparer.GetByteArrayAsync($"/api/staff/documents/{documentId}/content"));
        using (var scope = app.Services.CreateScope())
        {
            var actor = new AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, "203.0.113.9");
            var revealed = await scope.ServiceProvider.GetRequiredService<SsnRevealService>().RevealAsync(actor, clientId, documentId, TaxGeniusAppFactory.DemoPassword);
            Assert.Equal(Ssn, revealed.Ssn);
            var refused = await scope.ServiceProvider.GetRequiredService<SsnRevealService>().RevealAsync(actor, clientId, documentId, "a wrong password");
            Assert.False(refused.Succeeded);
            var statuses = scope.ServiceProvider.GetRequiredService<DocumentStatusService>();
            Assert.True((await statuses.ClaimAsync(actor, documentId)).Succeeded);
            Assert.True((await statuses.ChangeStatusAsync(actor, documentId, DocumentStatus.Completed, null)).Succeeded);
        }

        await app.WaitForEmailAsync(email, subject: null);

        // Recognition read the W-2 (the text and boxes exist, so their absence below means something): the marker is the employer
        // once decrypted, and the SSN is kept masked even there.
        var recognition = await Recognitions.SettledAsync(app, documentId);
        Assert.Equal(RecognitionStatus.Done, recognition.Status);
        var fields = app.Services.GetRequiredService<RecognitionFields>().Read(recognition).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal((marker, "***-**-4918"), (fields["employer_name"], fields[Recognizer.TaxpayerNumberField]));
        Assert.DoesNotContain(Ssn, app.Services.GetRequiredService<SecretProtector>().Unprotect(RecognitionFields.TextPurpose(documentId), recognition.TextCipher!),
            StringComparison.Ordinal);

        // The client writes the SSN and the marker in a message; the preparer sees it masked on the page, reveals it, adds a note.
        using (var scope = app.Services.CreateScope())
        {
            var messages = scope.ServiceProvider.GetRequiredService<MessageService>();
            var writer = new MessageViewer(new AuditActor(clientId, email, "198.51.100.7"), IsStaff: false);
            var staff = new MessageViewer(new AuditActor(await app.UserIdAsync(DemoAccounts.Preparer), DemoAccounts.Preparer, "203.0.113.9"), IsStaff: true);
            Assert.True((await messages.SendAsync(writer, clientId, $"My SSN is {Ssn}, see {marker}")).Succeeded);
            var conversation = await preparer.GetStringAsync($"/preparer/inbox/{clientId}");
            Assert.Contains("***-**-4918", conversation, StringComparison.Ordinal);
            Assert.DoesNotContain(Ssn, conversation, StringComparison.Ordinal);
            var sent = Assert.Single((await messages.ThreadAsync(staff, clientId))!.Messages);
            Assert.Contains(Ssn, await messages.RevealAsync(staff, sent.Id), StringComparison.Ordinal);
            Assert.True((await messages.SendAsync(staff, clientId, $"Internal: {marker} checked", MessageKind.InternalNote)).Succeeded);
            Assert.True((await messages.SendAsync(staff, clientId, "Thanks, please keep the SSN in your profile.")).Succeeded);
            await scope.ServiceProvider.GetRequiredService<MessageNotifier>().SendDueAsync();
        }

        // An admin reads the client over the API and tries to write the SSN column (refused).
        using var admin = await app.SignInForApiAsync(DemoAccounts.Admin);
        var user = await admin.GetStringAsync($"/api/users/{clientId}");
        Assert.Contains(email, user, StringComparison.Ordinal);
        using var patch = await admin.PatchAsync($"/api/users/{clientId}", JsonContent.Create(new { ssnEncrypted = Ssn, ssn = SsnDigits }));
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.DoesNotContain(SsnDigits, await patch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Task.Delay(500); // let background work (e-mail delivery, cache writes) settle before looking

        var needles = new[] { Ssn, SsnDigits, "536 27 4918", marker };
        var places = new Dictionary<string, string>
        {
            ["logs"] = logs.Text(),
            ["pg_dump"] = await PgDump.DataAsync(app.Database!.ConnectionString),
            ["redis"] = await RedisContentsAsync(),
            ["data folder (outbox, stored files)"] = DataFolderText(app.DataPath),
        };

        // Each place really holds the journey (so an empty search cannot pass): the client's address or id is there.
        Assert.True(logs.Count > 100, $"Only {logs.Count} log entries were captured.");
        Assert.Contains(clientId.ToString(), places["pg_dump"], StringComparison.Ordinal);
        Assert.Contains("session:", places["redis"], StringComparison.Ordinal);
        Assert.Contains(email, places["data folder (outbox, stored files)"], StringComparison.Ordinal);

        var hits = places.SelectMany(p => needles.Where(n => p.Value.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"{n} in {p.Key}")).ToList();
        Assert.True(hits.Count == 0, "Leaked: " + string.Join("; ", hits));
    }

    /// <summary>Every key in the Redis server, with its value whatever its type, as text.</summary>
    private static async Task<string> RedisContentsAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis + ",allowAdmin=true");
        var db = redis.GetDatabase();
        var text = new StringBuilder();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pageSize: 1000))
            {
                text.Append(key.ToString()).Append(" = ");
                var type = await db.KeyTypeAsync(key);
                var value = type switch
                {
                    RedisType.String => (string?)await db.StringGetAsync(key),
                    RedisType.Hash => string.Join(" ", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={Encoding.UTF8.GetString((byte[])e.Value!)}")),
                    RedisType.List => string.Join(" ", await db.ListRangeAsync(key)),
                    RedisType.Set => string.Join(" ", await db.SetMembersAsync(key)),
                    RedisType.SortedSet => string.Join(" ", await db.SortedSetRangeByRankAsync(key)),
                    RedisType.Stream => string.Join(" ", (await db.StreamRangeAsync(key)).SelectMany(e => e.Values.Select(v => $"{v.Name}={v.Value}"))),
                    _ => "",
                };
                text.AppendLine(value);
            }
        }

        return text.ToString();
    }

    /// <summary>Every file under the app's data folder (outbox e-mails, the encrypted store, the SQLite-free PostgreSQL setup).</summary>
    private static string DataFolderText(string folder)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            text.AppendLine(file).AppendLine(Encoding.Latin1.GetString(File.ReadAllBytes(file)));
        }

        return text.ToString();
    }
}
