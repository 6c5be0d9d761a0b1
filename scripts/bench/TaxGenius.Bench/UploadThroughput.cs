using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TaxGenius.Bench;

/// <summary>
/// One large PDF through the real upload path (POST /api/documents, streamed) into the published app in its own process,
/// next to a plain file copy of the same file on the same disk in the same run; the server's memory is sampled every 20 ms
/// during the upload. Then the stored SHA-256 is checked and the file is downloaded back (decrypted) through the API.
/// </summary>
internal static partial class UploadThroughput
{
    private const int Buffer = 1 << 20;

    public static async Task<int> RunAsync(int megabytes)
    {
        var work = BenchServer.WorkDir;
        var dataPath = Path.Combine(work, "data-upload");
        var source = Path.Combine(work, "bench-upload.pdf");
        var copyFolder = Path.Combine(dataPath, "bench-copy");
        var size = (long)megabytes * 1024 * 1024;

        var settings = BenchServer.Settings(dataPath);
        settings["Storage__MaxFileBytes"] = "268435456";
        await using var server = await ServerProcess.StartAsync(settings);
        Directory.CreateDirectory(copyFolder);

        Console.WriteLine($"  generating {megabytes} MB PDF at {source}");
        var fileHash = await GeneratePdfAsync(source, size);

        // Plain copy on the same disk: read the same (cached) source, write next to the store, fsync the copy.
        var copy1 = await CopyAsync(source, Path.Combine(copyFolder, "copy1.pdf"));

        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        await SignInAsync(client);
        var antiforgery = await client.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        var headerName = antiforgery.GetProperty("headerName").GetString()!;
        var token = antiforgery.GetProperty("token").GetString()!;

        var before = await server.Probe.CollectAsync();
        var start = await server.Probe.AskAsync("sample-start");
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        string body;
        await using (var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, Buffer, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            using var content = new StreamContent(file, Buffer);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = file.Length;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = content };
            request.Headers.Add(headerName, token);
            request.Headers.Add("X-Document-Type", "OTHER");
            request.Headers.Add("X-Tax-Year", "2025");
            request.Headers.Add("X-File-Name", Uri.EscapeDataString("Bench upload 2025.pdf"));
            using var response = await client.SendAsync(request);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
        }

        clock.Stop();
        var peaks = await server.Probe.AskAsync("sample-stop");
        var after = await server.Probe.CollectAsync();
        var upload = clock.Elapsed;

        var copy2 = await CopyAsync(source, Path.Combine(copyFolder, "copy2.pdf"));

        if (status != HttpStatusCode.Created)
        {
            Console.WriteLine($"  upload answered {(int)status}: {body}");
            return 1;
        }

        using var document = JsonDocument.Parse(body);
        var id = document.RootElement.GetProperty("id").ToString();
        var storedHash = document.RootElement.GetProperty("sha256").GetString() ?? "";
        var storedSize = document.RootElement.GetProperty("fileSize").GetInt64();
        var hashMatches = string.Equals(storedHash, fileHash, StringComparison.OrdinalIgnoreCase);

        // The download back: streamed, decrypted by the server, hashed here on the fly.
        var downloadClock = Stopwatch.StartNew();
        string downloadHash;
        long downloaded = 0;
        using (var response = await client.GetAsync($"/api/documents/{id}/content", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[Buffer];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                downloaded += read;
            }

            downloadHash = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        downloadClock.Stop();

        double Rate(TimeSpan elapsed) => size / (1024.0 * 1024) / elapsed.TotalSeconds;
        var copyRate = 2 * size / (1024.0 * 1024) / (copy1 + copy2).TotalSeconds;
        var uploadRate = Rate(upload);
        var baseHeap = before.Long("heap");
        var baseRss = before.Long("rss");
        var lines = new[]
        {
            "",
            $"Upload of a {megabytes} MB PDF through POST /api/documents (published app, own process, Server GC {before.GetProperty("serverGc")}, {Environment.ProcessorCount} cores)",
            Line("plain copy on the same disk, before the upload", $"{Rate(copy1),8:F0} MB/s  ({copy1.TotalSeconds:F2} s)"),
            Line("upload (request sent to 201 received)", $"{uploadRate,8:F0} MB/s  ({upload.TotalSeconds:F2} s)"),
            Line("plain copy on the same disk, after the upload", $"{Rate(copy2),8:F0} MB/s  ({copy2.TotalSeconds:F2} s)"),
            Line("ratio upload / plain copy (mean of both copies)", $"{uploadRate / copyRate,8:P0}"),
            Line("server VmRSS growth (peak - before)", $"{BenchServer.Mb(peaks.Long("peakRss") - baseRss),8}  (before {BenchServer.Mb(baseRss)}, peak {BenchServer.Mb(peaks.Long("peakRss"))})"),
            Line("server managed heap growth (peak - before)", $"{BenchServer.Mb(peaks.Long("peakHeap") - baseHeap),8}  (before {BenchServer.Mb(baseHeap)}, not collected between samples)"),
            Line("server managed heap retained after full GC", $"{BenchServer.Mb(after.Long("heap") - baseHeap),8}"),
            Line("server bytes allocated during the upload", $"{BenchServer.Mb(peaks.Long("allocated") - start.Long("allocated")),8}  ({peaks.Long("samples")} samples at ~20 ms)"),
            Line("SHA-256 of the file", fileHash),
            Line("SHA-256 stored by the server", $"{storedHash} ({(hashMatches ? "matches" : "DIFFERS")}), size {storedSize} of {size}"),
            Line("download back (GET /api/documents/{id}/content)", $"{downloaded / (1024.0 * 1024) / downloadClock.Elapsed.TotalSeconds,8:F0} MB/s  ({downloadClock.Elapsed.TotalSeconds:F2} s), SHA-256 {(downloadHash == fileHash ? "matches" : "DIFFERS")}"),
        };
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        return hashMatches && storedSize == size && downloadHash == fileHash ? 0 : 1;
    }

    private static string Line(string label, string value) => string.Create(CultureInfo.InvariantCulture, $"  {label,-52}{value}");

    /// <summary>A valid PDF by content: the header, random bytes, the trailer; fsynced so no write-back overlaps the timings.</summary>
    private static async Task<string> GeneratePdfAsync(string path, long size)
    {
        var head = "%PDF-1.7\n"u8.ToArray();
        var tail = "\n%%EOF\n"u8.ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, Buffer, FileOptions.Asynchronous))
        {
            var buffer = new byte[Buffer];
            long written = 0;
            while (written < size)
            {
                var length = (int)Math.Min(Buffer, size - written);
                Random.Shared.NextBytes(buffer.AsSpan(0, length));
                if (written == 0)
                {
                    head.CopyTo(buffer, 0);
                }

                if (written + length == size)
                {
                    tail.CopyTo(buffer, length - tail.Length);
                }

                hash.AppendData(buffer, 0, length);
                await file.WriteAsync(buffer.AsMemory(0, length));
                written += length;
            }

            file.Flush(flushToDisk: true);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task<TimeSpan> CopyAsync(string source, string destination)
    {
        var clock = Stopwatch.StartNew();
        await using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, Buffer, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var to = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, Buffer, FileOptions.Asynchronous))
        {
            await from.CopyToAsync(to, Buffer);
            to.Flush(flushToDisk: true);
        }

        clock.Stop();
        File.Delete(destination);
        return clock.Elapsed;
    }

    /// <summary>Signs the demo client in through the real sign-in form (antiforgery token included); the cookie stays in the handler.</summary>
    private static async Task SignInAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = TokenPattern().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = BenchServer.Client,
            ["Input.Password"] = BenchServer.DemoPassword,
        });
        using var response = await client.PostAsync("/Account/Login", form);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("Account/Login", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
