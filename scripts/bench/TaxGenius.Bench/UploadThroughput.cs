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
    private const int Rounds = 3;

    private sealed record Upload(HttpStatusCode Status, string Body, TimeSpan Elapsed, JsonElement Before, JsonElement Start, JsonElement Peaks,
        JsonElement After, string Sha256, long FileSize);

    /// <summary>One upload, streamed from the file; the server's memory is sampled every 20 ms while it runs.</summary>
    private static async Task<Upload> UploadAsync(ServerProcess server, HttpClient client, string headerName, string token, string source)
    {
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
        string sha = "";
        long fileSize = -1;
        if (status == HttpStatusCode.Created)
        {
            using var document = JsonDocument.Parse(body);
            sha = document.RootElement.GetProperty("sha256").GetString() ?? "";
            fileSize = document.RootElement.GetProperty("fileSize").GetInt64();
        }

        return new Upload(status, body, clock.Elapsed, before, start, peaks, after, sha, fileSize);
    }

    /// <summary>What the store's per-byte work costs without any I/O: SHA-256 and AES-256-GCM over 64 KiB chunks, one thread.</summary>
    private static TimeSpan CryptoAlone(string source)
    {
        const int chunk = 64 * 1024;
        var plain = new byte[chunk];
        var cipher = new byte[chunk];
        var tag = new byte[16];
        var nonce = new byte[12];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, Buffer, FileOptions.SequentialScan);
        var clock = Stopwatch.StartNew();
        long index = 0;
        int read;
        while ((read = file.ReadAtLeast(plain, chunk, throwOnEndOfStream: false)) > 0)
        {
            hash.AppendData(plain, 0, read);
            BitConverter.TryWriteBytes(nonce.AsSpan(4), index++);
            aes.Encrypt(nonce, plain.AsSpan(0, read), cipher.AsSpan(0, read), tag);
        }

        _ = hash.GetHashAndReset();
        return clock.Elapsed;
    }

    /// <summary>A server under test: its store's backend, the signed-in client, its antiforgery token and its uploads.</summary>
    private sealed record Target(string Name, ServerProcess Server, HttpClient Client, string Header, string Token, List<Upload> Uploads);

    private static async Task<Target> StartAsync(string name, Dictionary<string, string> settings)
    {
        var server = await ServerProcess.StartAsync(settings);
        var handler = new PlainCookies(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        await SignInAsync(client);
        var antiforgery = await client.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        return new Target(name, server, client, antiforgery.GetProperty("headerName").GetString()!, antiforgery.GetProperty("token").GetString()!, []);
    }

    /// <summary>
    /// The S3 bucket from TG_BENCH_S3 ("Endpoint=…;Bucket=…;AccessKey=…;SecretKey=…", set by upload.sh after starting Ceph's RADOS
    /// Gateway), or none.
    /// </summary>
    private static Dictionary<string, string>? S3Settings()
    {
        if (Environment.GetEnvironmentVariable("TG_BENCH_S3") is not { Length: > 0 } value)
        {
            return null;
        }

        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return new Dictionary<string, string>
        {
            ["Storage__Backend"] = "S3",
            ["Storage__S3__ServiceUrl"] = parts["Endpoint"],
            ["Storage__S3__Bucket"] = parts["Bucket"],
            ["Storage__S3__AccessKey"] = parts["AccessKey"],
            ["Storage__S3__SecretKey"] = parts["SecretKey"],
            ["Storage__S3__Prefix"] = "bench/",
        };
    }

    public static async Task<int> RunAsync(int megabytes)
    {
        var work = BenchServer.WorkDir;
        var source = Path.Combine(work, "bench-upload.pdf");
        var copyFolder = Path.Combine(work, "data-upload-local", "bench-copy");
        var size = (long)megabytes * 1024 * 1024;

        // The local folder's server, then (when a bucket is given) the S3 one on the same database, started one after the other.
        var targets = new List<Target>();
        var local = BenchServer.Settings(Path.Combine(work, "data-upload-local"));
        local["Storage__MaxFileBytes"] = "268435456";
        targets.Add(await StartAsync("local folder", local));
        if (S3Settings() is { } s3)
        {
            var settings = BenchServer.Settings(Path.Combine(work, "data-upload-s3"));
            settings["Storage__MaxFileBytes"] = "268435456";
            foreach (var (key, value) in s3)
            {
                settings[key] = value;
            }

            targets.Add(await StartAsync("S3 bucket", settings));
        }

        try
        {
            Directory.CreateDirectory(copyFolder);
            Console.WriteLine($"  generating {megabytes} MB PDF at {source}");
            var fileHash = await GeneratePdfAsync(source, size);

            // Alternating rounds on a noisy machine: copy, then one upload per backend, copy, ... Each upload is compared with
            // the copies either side of it; the medians make the reported ratios.
            var copies = new List<TimeSpan> { await CopyAsync(source, Path.Combine(copyFolder, "copy.pdf")) };
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var target in targets)
                {
                    var upload = await UploadAsync(target.Server, target.Client, target.Header, target.Token, source);
                    target.Uploads.Add(upload);
                    if (upload.Status != HttpStatusCode.Created)
                    {
                        Console.WriteLine($"  {target.Name}: upload answered {(int)upload.Status}: {upload.Body}");
                        return 1;
                    }
                }

                copies.Add(await CopyAsync(source, Path.Combine(copyFolder, "copy.pdf")));
            }

            var crypto = CryptoAlone(source);
            double Rate(TimeSpan elapsed) => size / (1024.0 * 1024) / elapsed.TotalSeconds;
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToList();
                return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            }

            var copyRate = Median(copies.Select(Rate));
            var ok = true;
            var lines = new List<string>
            {
                "",
                $"Upload of a {megabytes} MB PDF through POST /api/documents (published app, own process, Server GC {targets[0].Uploads[0].Before.GetProperty("serverGc")}, {Environment.ProcessorCount} cores)",
                Line("plain copies on the same disk (fsync), in order", string.Join("  ", copies.Select(c => $"{Rate(c):F0}")) + " MB/s"),
                Line($"median plain copy ({copies.Count} runs)", $"{copyRate,8:F0} MB/s"),
                Line("for reading it: SHA-256 + AES-256-GCM alone, 64 KiB", $"{size / (1024.0 * 1024) / crypto.TotalSeconds,8:F0} MB/s  (one thread, the store's chunking, no I/O)"),
            };
            var medians = new Dictionary<string, double>();
            foreach (var target in targets)
            {
                var uploads = target.Uploads;
                var uploadRate = Median(uploads.Select(u => Rate(u.Elapsed)));
                medians[target.Name] = uploadRate;
                lines.Add($"  -- store: {target.Name}");
                lines.Add(Line("uploads (request sent to 201 received), in order", string.Join("  ", uploads.Select(u => $"{Rate(u.Elapsed):F0}")) + " MB/s"));
                lines.Add(Line("ratio of each upload to the mean of its two copies", string.Join("  ", uploads.Select((u, i) =>
                    $"{Rate(u.Elapsed) / ((Rate(copies[i]) + Rate(copies[i + 1])) / 2):P0}"))));
                lines.Add(Line($"median upload ({uploads.Count} runs)", $"{uploadRate,8:F0} MB/s"));
                lines.Add(Line("ratio median upload / median copy", $"{uploadRate / copyRate,8:P0}"));
                for (var i = 0; i < uploads.Count; i++)
                {
                    var u = uploads[i];
                    lines.Add(Line($"upload {i + 1}: server VmRSS growth (peak - before)",
                        $"{BenchServer.Mb(u.Peaks.Long("peakRss") - u.Before.Long("rss")),8}  (before {BenchServer.Mb(u.Before.Long("rss"))}, peak {BenchServer.Mb(u.Peaks.Long("peakRss"))}, {u.Peaks.Long("samples")} samples at ~20 ms)"));
                    lines.Add(Line($"upload {i + 1}: server managed heap growth (peak - before)",
                        $"{BenchServer.Mb(u.Peaks.Long("peakHeap") - u.Before.Long("heap")),8}  (before {BenchServer.Mb(u.Before.Long("heap"))}; garbage not yet collected counts)"));
                    lines.Add(Line($"upload {i + 1}: server bytes allocated / retained after GC",
                        $"{BenchServer.Mb(u.Peaks.Long("allocated") - u.Start.Long("allocated")),8}  / {BenchServer.Mb(u.After.Long("heap") - u.Before.Long("heap"))}"));
                }

                var hashesMatch = uploads.All(u => string.Equals(u.Sha256, fileHash, StringComparison.OrdinalIgnoreCase) && u.FileSize == size);
                lines.Add(Line("every upload stored the file's SHA-256 and size", hashesMatch ? "yes" : "NO"));

                // The download back: streamed, decrypted by the server, hashed here on the fly.
                using var document = JsonDocument.Parse(uploads[^1].Body);
                var id = document.RootElement.GetProperty("id").ToString();
                var downloadClock = Stopwatch.StartNew();
                string downloadHash;
                long downloaded = 0;
                using (var response = await target.Client.GetAsync($"/api/documents/{id}/content", HttpCompletionOption.ResponseHeadersRead))
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
                lines.Add(Line("download back (GET /api/documents/{id}/content)",
                    $"{downloaded / (1024.0 * 1024) / downloadClock.Elapsed.TotalSeconds,8:F0} MB/s  ({downloadClock.Elapsed.TotalSeconds:F2} s), SHA-256 {(downloadHash == fileHash ? "matches" : "DIFFERS")}"));
                ok &= hashesMatch && downloadHash == fileHash;
            }

            if (medians.Count == 2)
            {
                lines.Add(Line("ratio median upload S3 / local folder", $"{medians["S3 bucket"] / medians["local folder"],8:P0}"));
            }

            lines.Add(Line("SHA-256 of the file", fileHash));
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }

            return ok ? 0 : 1;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Client.Dispose();
                await target.Server.DisposeAsync();
            }
        }
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
            var text = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.Headers.Location} {text[..Math.Min(text.Length, 400)]}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
